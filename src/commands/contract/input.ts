import { type CommandInput, type ParseContext } from '../../cli/command-spec';
import { type ContractFilters, type ContractUpdate, type PageRequest } from '../../backend/backend';
import { usageError } from '../../errors/cli-error';
import { checkAmountDue } from '../../validation/contract-fields';
import { parseAmount, parseId } from '../../validation/parse';
import { assertCsvFormat } from '../shared/csv-export';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagSearch, flagSet, flagString } from '../shared/flags';
import { parsePageRequest } from '../shared/pagination';
import { type CrossRule, givenValues, type RequiredValue } from '../shared/required-values';

/** The parse steps of the contract commands: flags → typed input, before anything opens. */

export interface IdInput {
  id: number;
}

export const parseContractId = ({ args }: CommandInput): IdInput => ({ id: parseId(args[0], 'contract id') });

/** The filter flags of `contract list` and `contract export`. */
export function contractFilters(options: Record<string, unknown>): ContractFilters {
  const signed = flagSet(options, 'signed');
  const unsigned = flagSet(options, 'unsigned');
  if (signed && unsigned) throw usageError('--signed and --unsigned cannot be used together');
  return {
    mine: flagSet(options, 'mine'),
    clientId: options.client === undefined ? undefined : parseId(options.client, '--client'),
    signed: signed ? true : unsigned ? false : undefined,
    unpaid: flagSet(options, 'unpaid'),
    search: flagSearch(options),
  };
}

export interface ContractListInput {
  filters: ContractFilters;
  page: PageRequest;
}

export const parseContractList = ({ options }: CommandInput): ContractListInput => ({ filters: contractFilters(options), page: parsePageRequest(options) });

export function parseContractExport({ options }: CommandInput, how: ParseContext): ContractFilters {
  assertCsvFormat(options, how);
  return contractFilters(options);
}

/** The values a new contract needs; the client's question gets its picker in the run step. */
export const NEW_CONTRACT_VALUES: RequiredValue<'client' | 'total'>[] = [
  { option: 'client', flag: '--client', message: 'Client (type a name, email, company or id; most recently updated first)', parse: parseId },
  { option: 'total', flag: '--total', message: 'Total amount', parse: parseAmount },
];

/**
 * The amount due comes only from its flag: checked against the total (the service's rule) as soon
 * as that is known, from its flag in the parse step or typed at the prompt.
 */
export const amountDueRules = (amountDue: string | undefined): CrossRule<'client' | 'total'>[] =>
  amountDue === undefined ? [] : [{ options: ['total'], check: (v) => checkAmountDue(amountDue, parseAmount(v.total, '--total')) }];

export interface ContractCreateInput {
  given: Partial<Record<'client' | 'total', string>>;
  amountDue?: string;
  signed: boolean;
}

export function parseContractCreate({ options }: CommandInput, how: ParseContext): ContractCreateInput {
  const amountDueFlag = flagString(options, 'amountDue');
  const amountDue = amountDueFlag === undefined ? undefined : parseAmount(amountDueFlag, '--amount-due');
  return { given: givenValues(options, NEW_CONTRACT_VALUES, how, amountDueRules(amountDue)), amountDue, signed: flagSet(options, 'signed') };
}

export interface ContractUpdateInput {
  id: number;
  changes: ContractUpdate;
}

export function parseContractUpdate(input: CommandInput): ContractUpdateInput {
  const total = flagString(input.options, 'total');
  const amountDue = flagString(input.options, 'amountDue');
  return {
    id: parseContractId(input).id,
    changes: {
      totalAmount: total === undefined ? undefined : parseAmount(total, '--total'),
      amountDue: amountDue === undefined ? undefined : parseAmount(amountDue, '--amount-due'),
      expectedVersion: parseExpectedVersion(input.options),
    },
  };
}

export const PAYMENT_VALUES: RequiredValue<'amount'>[] = [{ option: 'amount', flag: '--amount', message: 'Amount paid', parse: parseAmount }];

export interface ContractPayInput {
  id: number;
  given: Partial<Record<'amount', string>>;
}

export const parseContractPay = (input: CommandInput, how: ParseContext): ContractPayInput => ({
  id: parseContractId(input).id,
  given: givenValues(input.options, PAYMENT_VALUES, how),
});
