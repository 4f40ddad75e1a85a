import { parseFirstName, parseLastName } from '../../validation/employee-fields';
import { parseEmail } from '../../validation/parse';

/** A tenant's first manager's details (`init`, `signup`, `platform tenant create`), each checked when given; the others are asked on a terminal. */
export const FIRST_MANAGER_FIELDS = {
  '--first-name': { option: 'firstName', message: 'First name', parse: parseFirstName },
  '--last-name': { option: 'lastName', message: 'Last name', parse: parseLastName },
  '--email': { option: 'email', message: 'Email (used to log in)', parse: parseEmail },
} as const;

export type FirstManagerFlag = keyof typeof FIRST_MANAGER_FIELDS;
