import { parseCount, parseText, type FieldLabel } from './parse';

/** The rules of an event's fields, with the limits of the events table: `event create`/`update` and the API both check with these. */
export const parseEventName = (value: unknown, field: FieldLabel) => parseText(value, field, 150);
export const parseEventLocation = (value: unknown, field: FieldLabel) => parseText(value, field, 300);
export const parseAttendees = (value: unknown, field: FieldLabel) => parseCount(value, field);
export const parseEventNotes = (value: unknown, field: FieldLabel) => parseText(value, field, 5000, { allowEmpty: true });
