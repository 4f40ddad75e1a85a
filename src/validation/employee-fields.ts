import { parseText, type FieldLabel } from './parse';

/**
 * The rules of an employee's names, with the limits of the employees table: the services and the
 * API (naming the field as a pointer), `init`, the flags and the prompts check with these.
 */
export const parseFirstName = (value: unknown, field: FieldLabel) => parseText(value, field, 100);
export const parseLastName = (value: unknown, field: FieldLabel) => parseText(value, field, 100);
