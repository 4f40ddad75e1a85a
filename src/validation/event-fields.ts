import { fieldText, validationError } from '../errors/cli-error';
import { parseCount, parseText, type FieldLabel } from './parse';

/** The rules of an event's fields, with the limits of the events table: `event create`/`update` and the API both check with these. */
export const parseEventName = (value: unknown, field: FieldLabel) => parseText(value, field, 150);
export const parseEventLocation = (value: unknown, field: FieldLabel) => parseText(value, field, 300);
export const parseAttendees = (value: unknown, field: FieldLabel) => parseCount(value, field);
export const parseEventNotes = (value: unknown, field: FieldLabel) => parseText(value, field, 5000, { allowEmpty: true });

/** An event ends after it starts: the services check with this, and a prompt as soon as both times are known. */
export function checkEventTimes(startAt: Date, endAt: Date): void {
  if (endAt <= startAt) throw validationError(fieldText`{endAt} must be after {startAt}`);
}
