import { parseCount, parseDateTime, parseText } from '../../validation/parse';

/** Parsers shared by `event create` and `event update`, with the limits of the events table. */
export const parseName = (value: unknown) => parseText(value, '--name', 150);
export const parseStart = (value: unknown) => parseDateTime(value, '--start');
export const parseEnd = (value: unknown) => parseDateTime(value, '--end');
export const parseLocation = (value: unknown) => parseText(value, '--location', 300);
export const parseAttendees = (value: unknown) => parseCount(value, '--attendees');
export const parseNotes = (value: unknown) => parseText(value, '--notes', 5000, { allowEmpty: true });
