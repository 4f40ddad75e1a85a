import { type CommandInput, type ParseContext } from '../../cli/command-spec';
import { type EmployeeChanges, type EmployeeFilters, type PageRequest } from '../../backend/backend';
import { parseFirstName, parseLastName } from '../../validation/employee-fields';
import { parseEmail, parseId, parseRole } from '../../validation/parse';
import { assertConfirmable } from '../shared/confirm-deletion';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagSet, flagString } from '../shared/flags';
import { parsePageRequest } from '../shared/pagination';
import { givenValues, type RequiredValue } from '../shared/required-values';

/** The parse steps of the employee commands: flags → typed input, before anything opens. */

export interface IdInput {
  id: number;
}

export const parseEmployeeId = ({ args }: CommandInput): IdInput => ({ id: parseId(args[0], 'employee id') });

export interface EmployeeListInput {
  filters: EmployeeFilters;
  page: PageRequest;
}

export function parseEmployeeList({ options }: CommandInput): EmployeeListInput {
  const role = flagString(options, 'role');
  return {
    filters: { role: role === undefined ? undefined : parseRole(role, '--role'), inactive: flagSet(options, 'inactive') },
    page: parsePageRequest(options),
  };
}

export const NEW_EMPLOYEE_VALUES: RequiredValue<'firstName' | 'lastName' | 'email' | 'role'>[] = [
  { option: 'firstName', flag: '--first-name', message: 'First name', parse: parseFirstName },
  { option: 'lastName', flag: '--last-name', message: 'Last name', parse: parseLastName },
  { option: 'email', flag: '--email', message: 'Email (used to log in)', parse: parseEmail },
  { option: 'role', flag: '--role', message: 'Role', parse: parseRole },
];

export interface EmployeeCreateInput {
  given: Partial<Record<'firstName' | 'lastName' | 'email' | 'role', string>>;
  phone?: string;
  passwordStdin: boolean;
}

export const parseEmployeeCreate = ({ options }: CommandInput, how: ParseContext): EmployeeCreateInput => ({
  given: givenValues(options, NEW_EMPLOYEE_VALUES, how),
  phone: flagString(options, 'phone'),
  passwordStdin: flagSet(options, 'passwordStdin'),
});

export interface EmployeeUpdateInput {
  id: number;
  changes: EmployeeChanges;
}

export function parseEmployeeUpdate(input: CommandInput): EmployeeUpdateInput {
  const { options } = input;
  return {
    id: parseEmployeeId(input).id,
    changes: {
      firstName: flagString(options, 'firstName'),
      lastName: flagString(options, 'lastName'),
      email: flagString(options, 'email'),
      phone: flagString(options, 'phone'),
      role: flagString(options, 'role'),
      expectedVersion: parseExpectedVersion(options),
    },
  };
}

export interface EmployeeDeleteInput {
  id: number;
  reassignTo?: number;
}

export function parseEmployeeDelete(input: CommandInput, how: ParseContext): EmployeeDeleteInput {
  const id = parseEmployeeId(input).id;
  const reassignTo = input.options.reassignTo === undefined ? undefined : parseId(input.options.reassignTo, '--reassign-to');
  assertConfirmable(how);
  return { id, reassignTo };
}
