import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { parseAmount, parseId } from '../../validation/parse';
import { requireValues } from '../shared/required-values';
import { contractRecordView } from './contract-view';

export const run: RunFunction = async (ctx, { args, options }) => {
  const id = parseId(args[0], 'contract id');
  const values = await requireValues(ctx, options, [
    { option: 'amount', flag: '--amount', message: 'Amount paid', parse: parseAmount },
  ]);
  const amount = parseAmount(values.amount, '--amount');
  const contract = await (await ctx.backend()).contracts.pay(id, amount);
  return {
    json: contractJson(contract),
    human: contractRecordView(contract, `recorded a payment of ${amount} on contract ${contract.id}: ${contract.amountDue} still due`),
  };
};
