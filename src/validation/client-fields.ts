import { parseText, type FieldLabel } from './parse';

/**
 * The rules of a client's free-text fields, with the limits of the clients table: the services
 * (naming the field as a pointer), the flags and the prompts check with these.
 */
export const parseClientFullName = (value: unknown, field: FieldLabel) => parseText(value, field, 150);
export const parseCompanyName = (value: unknown, field: FieldLabel) => parseText(value, field, 150);
