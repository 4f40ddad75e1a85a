import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { assertAllowed } from '../../permissions/assert-allowed';
import { recordPayment } from '../../services/contract.service';
import { parseAmount, parseId } from '../../validation/parse';
import { promptValidator } from '../shared/flags';
import { requireValues } from '../shared/required-values';
import { contractJson, contractRecordView } from './contract-view';

export const run: RunFunction = async (ctx, { args, options }) => {
  const id = parseId(args[0], 'contract id');
  const actor = await requireActor(ctx);
  assertAllowed(actor, 'contract.update');
  const values = await requireValues(ctx, options, [
    { option: 'amount', flag: '--amount', message: 'Amount paid', validate: promptValidator((v) => parseAmount(v, '--amount')) },
  ]);
  const amount = parseAmount(values.amount, '--amount');
  const contract = await recordPayment(await ctx.db(), actor, id, amount);
  return {
    json: contractJson(contract),
    human: contractRecordView(contract, `Payment of ${amount} recorded on contract ${contract.id}: ${contract.amountDue} still due`),
  };
};
