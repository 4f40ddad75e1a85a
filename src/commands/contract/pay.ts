import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { parseAmount } from '../../validation/parse';
import { requireValues } from '../shared/required-values';
import { contractRecordView } from './contract-view';
import { type ContractPayInput, PAYMENT_VALUES } from './input';

export const run: RunFunction<ContractPayInput> = async (ctx, { id, given }) => {
  const values = await requireValues(ctx, given, PAYMENT_VALUES);
  const amount = parseAmount(values.amount, '--amount');
  const contract = await (await ctx.backend()).contracts.pay(id, amount);
  return {
    json: contractJson(contract),
    human: contractRecordView(contract, `recorded a payment of ${amount} on contract ${contract.id}: ${contract.amountDue} still due`),
  };
};
