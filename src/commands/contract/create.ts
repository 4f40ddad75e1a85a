import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { CliError } from '../../errors/cli-error';
import { parseAmount, parseId } from '../../validation/parse';
import { flagSet, flagString, promptValidator } from '../shared/flags';
import { requireValues } from '../shared/required-values';
import { contractRecordView } from './contract-view';

export const run: RunFunction = async (ctx, { options }) => {
  const backend = await ctx.backend();
  const clientChoices =
    ctx.prompter.interactive && options.client === undefined
      ? (await backend.clients.recent()).map((c) => ({ name: `${c.fullName} (${c.companyName}) #${c.id}`, value: String(c.id) }))
      : undefined;
  // An empty list is not a question anyone can answer (inquirer would fail on it).
  if (clientChoices?.length === 0) {
    throw new CliError('not_found', 'there is no client to write a contract for yet', 'a SALES employee creates one with `epicevents client create`');
  }
  const values = await requireValues(ctx, options, [
    { option: 'client', flag: '--client', message: 'Client (most recently updated first)', choices: clientChoices, typeAnId: 'Client id' },
    { option: 'total', flag: '--total', message: 'Total amount', validate: promptValidator((v) => parseAmount(v, '--total')) },
  ]);
  const amountDue = flagString(options, 'amountDue');
  const contract = await backend.contracts.create({
    clientId: parseId(values.client, '--client'),
    totalAmount: parseAmount(values.total, '--total'),
    amountDue: amountDue === undefined ? undefined : parseAmount(amountDue, '--amount-due'),
    signed: flagSet(options, 'signed'),
  });
  return { json: contractJson(contract), human: contractRecordView(contract, `created contract ${contract.id}`) };
};
