import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { CliError } from '../../errors/cli-error';
import { parseAmount, parseId } from '../../validation/parse';
import { clientPicker } from '../shared/pickers';
import { requireValues } from '../shared/required-values';
import { contractRecordView } from './contract-view';
import { amountDueRules, type ContractCreateInput, NEW_CONTRACT_VALUES } from './input';

export const run: RunFunction<ContractCreateInput> = async (ctx, { given, amountDue, signed }) => {
  const backend = await ctx.backend();
  const recent = ctx.prompter.interactive && given.client === undefined ? await backend.clients.recent() : undefined;
  // An empty list is not a question anyone can answer (inquirer would fail on it).
  if (recent?.length === 0) {
    throw new CliError('not_found', 'there is no client to write a contract for yet', 'a SALES employee creates one with `epicevents client create`');
  }
  const [client, total] = NEW_CONTRACT_VALUES;
  const values = await requireValues(ctx, given, [{ ...client, search: recent && clientPicker(backend, recent) }, total], amountDueRules(amountDue));
  const contract = await backend.contracts.create({
    clientId: parseId(values.client, '--client'),
    totalAmount: parseAmount(values.total, '--total'),
    amountDue,
    signed,
  });
  return { json: contractJson(contract), human: contractRecordView(contract, `created contract ${contract.id}`) };
};
