import { parseText, type FieldLabel } from './parse';

/** The rules of an employee's names, with the limits of the employees table: the services, `init` and the prompts check with these. */
export const parseFirstName = (value: unknown, field: FieldLabel = 'first name') => parseText(value, field, 100);
export const parseLastName = (value: unknown, field: FieldLabel = 'last name') => parseText(value, field, 100);
