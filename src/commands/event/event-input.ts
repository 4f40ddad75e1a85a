import { parseDateTime } from '../../validation/parse';
import { parseAttendees as attendees, parseEventLocation, parseEventName, parseEventNotes } from '../../validation/event-fields';

/** Parsers shared by `event create` and `event update`, naming the flags. */
export const parseName = (value: unknown) => parseEventName(value, '--name');
export const parseStart = (value: unknown) => parseDateTime(value, '--start');
export const parseEnd = (value: unknown) => parseDateTime(value, '--end');
export const parseLocation = (value: unknown) => parseEventLocation(value, '--location');
export const parseAttendees = (value: unknown) => attendees(value, '--attendees');
export const parseNotes = (value: unknown) => parseEventNotes(value, '--notes');
