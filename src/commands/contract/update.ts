import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { parseAmount, parseId } from '../../validation/parse';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagString } from '../shared/flags';
import { contractRecordView } from './contract-view';

export const run: RunFunction = async (ctx, { args, options }) => {
  const id = parseId(args[0], 'contract id');
  const total = flagString(options, 'total');
  const amountDue = flagString(options, 'amountDue');
  const contract = await (await ctx.backend()).contracts.update(id, {
    totalAmount: total === undefined ? undefined : parseAmount(total, '--total'),
    amountDue: amountDue === undefined ? undefined : parseAmount(amountDue, '--amount-due'),
    expectedVersion: parseExpectedVersion(options),
  });
  return { json: contractJson(contract), human: contractRecordView(contract, `updated contract ${contract.id}`) };
};
