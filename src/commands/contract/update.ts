import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { updateContract } from '../../services/contract.service';
import { parseAmount, parseId } from '../../validation/parse';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagString } from '../shared/flags';
import { contractJson, contractRecordView } from './contract-view';

export const run: RunFunction = async (ctx, { args, options }) => {
  const id = parseId(args[0], 'contract id');
  const total = flagString(options, 'total');
  const amountDue = flagString(options, 'amountDue');
  const changes = {
    totalAmount: total === undefined ? undefined : parseAmount(total, '--total'),
    amountDue: amountDue === undefined ? undefined : parseAmount(amountDue, '--amount-due'),
  };
  const expectedVersion = parseExpectedVersion(options);
  const actor = await requireActor(ctx);
  const contract = await updateContract(await ctx.db(), actor, id, changes, expectedVersion);
  return { json: contractJson(contract), human: contractRecordView(contract, `Contract ${contract.id} updated`) };
};
