import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { CliError } from '../../errors/cli-error';
import { parseAmount, parseId } from '../../validation/parse';
import { checkAmountDue } from '../../validation/contract-fields';
import { flagSet, flagString } from '../shared/flags';
import { clientPicker } from '../shared/pickers';
import { requireValues } from '../shared/required-values';
import { contractRecordView } from './contract-view';

export const run: RunFunction = async (ctx, { options }) => {
  const amountDueFlag = flagString(options, 'amountDue');
  const amountDue = amountDueFlag === undefined ? undefined : parseAmount(amountDueFlag, '--amount-due');
  const backend = await ctx.backend();
  const recent = ctx.prompter.interactive && options.client === undefined ? await backend.clients.recent() : undefined;
  // An empty list is not a question anyone can answer (inquirer would fail on it).
  if (recent?.length === 0) {
    throw new CliError('not_found', 'there is no client to write a contract for yet', 'a SALES employee creates one with `epicevents client create`');
  }
  const values = await requireValues(
    ctx,
    options,
    [
      {
        option: 'client',
        flag: '--client',
        message: 'Client (type a name, email, company or id; most recently updated first)',
        parse: parseId,
        search: recent && clientPicker(backend, recent),
      },
      { option: 'total', flag: '--total', message: 'Total amount', parse: parseAmount },
    ],
    // The amount due comes only from its flag: checked against the total as soon as that is typed.
    [{ options: ['total'], check: (v) => amountDue !== undefined && checkAmountDue(amountDue, parseAmount(v.total, '--total')) }],
  );
  const contract = await backend.contracts.create({
    clientId: parseId(values.client, '--client'),
    totalAmount: parseAmount(values.total, '--total'),
    amountDue,
    signed: flagSet(options, 'signed'),
  });
  return { json: contractJson(contract), human: contractRecordView(contract, `created contract ${contract.id}`) };
};
