import { type CommandInput, type ParseContext } from '../../cli/command-spec';
import { type ClientChanges, type ClientFilters, type PageRequest } from '../../backend/backend';
import { parseClientFullName, parseCompanyName } from '../../validation/client-fields';
import { parseEmail, parseId, parsePhone } from '../../validation/parse';
import { assertCsvFormat } from '../shared/csv-export';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagSearch, flagSet, flagString } from '../shared/flags';
import { parsePageRequest } from '../shared/pagination';
import { givenValues, type RequiredValue } from '../shared/required-values';

/** The parse steps of the client commands: flags → typed input, before anything opens. */

export interface IdInput {
  id: number;
}

export const parseClientId = ({ args }: CommandInput): IdInput => ({ id: parseId(args[0], 'client id') });

/** The filter flags of `client list` and `client export`. */
export function clientFilters(options: Record<string, unknown>): ClientFilters {
  return {
    mine: flagSet(options, 'mine'),
    salesContactId: options.sales === undefined ? undefined : parseId(options.sales, '--sales'),
    search: flagSearch(options),
  };
}

export interface ClientListInput {
  filters: ClientFilters;
  page: PageRequest;
}

export const parseClientList = ({ options }: CommandInput): ClientListInput => ({ filters: clientFilters(options), page: parsePageRequest(options) });

export function parseClientExport({ options }: CommandInput, how: ParseContext): ClientFilters {
  assertCsvFormat(options, how);
  return clientFilters(options);
}

/** The details a new client needs, with the parsers the service applies to them too. */
export const NEW_CLIENT_VALUES: RequiredValue<'fullName' | 'email' | 'phone' | 'company'>[] = [
  { option: 'fullName', flag: '--full-name', message: 'Full name', parse: parseClientFullName },
  { option: 'email', flag: '--email', message: 'Email', parse: parseEmail },
  { option: 'phone', flag: '--phone', message: 'Phone', parse: parsePhone },
  { option: 'company', flag: '--company', message: 'Company', parse: parseCompanyName },
];

export const parseClientCreate = ({ options }: CommandInput, how: ParseContext) => givenValues(options, NEW_CLIENT_VALUES, how);

export interface ClientUpdateInput {
  id: number;
  changes: ClientChanges;
}

export function parseClientUpdate(input: CommandInput): ClientUpdateInput {
  const { options } = input;
  return {
    id: parseClientId(input).id,
    changes: {
      fullName: flagString(options, 'fullName'),
      email: flagString(options, 'email'),
      phone: flagString(options, 'phone'),
      companyName: flagString(options, 'company'),
      salesContactId: options.sales === undefined ? undefined : parseId(options.sales, '--sales'),
      expectedVersion: parseExpectedVersion(options),
    },
  };
}
