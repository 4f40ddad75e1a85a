import { type CommandInput, type ParseContext } from '../../cli/command-spec';
import { missingFlags } from '../../cli/prompter';
import { type EventChanges, type EventFilters, type PageRequest } from '../../backend/backend';
import { parseDateTime, parseId } from '../../validation/parse';
import { checkEventTimes, parseAttendees as attendees, parseEventLocation, parseEventName, parseEventNotes } from '../../validation/event-fields';
import { assertCsvFormat } from '../shared/csv-export';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagSearch, flagSet, flagString } from '../shared/flags';
import { parsePageRequest } from '../shared/pagination';
import { type CrossRule, givenValues, type RequiredValue } from '../shared/required-values';

/** Parsers shared by `event create` and `event update`, naming the flags. */
export const parseName = (value: unknown) => parseEventName(value, '--name');
export const parseStart = (value: unknown) => parseDateTime(value, '--start');
export const parseEnd = (value: unknown) => parseDateTime(value, '--end');
export const parseLocation = (value: unknown) => parseEventLocation(value, '--location');
export const parseAttendees = (value: unknown) => attendees(value, '--attendees');
export const parseNotes = (value: unknown) => parseEventNotes(value, '--notes');

/** The parse steps of the event commands: flags → typed input, before anything opens. */

export interface IdInput {
  id: number;
}

export const parseEventId = ({ args }: CommandInput): IdInput => ({ id: parseId(args[0], 'event id') });

/** The filter flags of `event list` and `event export`. */
export function eventFilters(options: Record<string, unknown>): EventFilters {
  // commander gives `--support <id>` as a string and `--no-support` as false (the last one typed wins).
  const support = options.support;
  const optionalId = (key: string, flag: string) => (options[key] === undefined ? undefined : parseId(options[key], flag));
  const optionalDate = (key: string, flag: string) => (options[key] === undefined ? undefined : parseDateTime(options[key], flag));
  return {
    mine: flagSet(options, 'mine'),
    noSupport: support === false,
    supportId: typeof support === 'string' ? parseId(support, '--support') : undefined,
    clientId: optionalId('client', '--client'),
    contractId: optionalId('contract', '--contract'),
    from: optionalDate('from', '--from'),
    to: optionalDate('to', '--to'),
    search: flagSearch(options),
  };
}

export interface EventListInput {
  filters: EventFilters;
  page: PageRequest;
}

export const parseEventList = ({ options }: CommandInput): EventListInput => ({ filters: eventFilters(options), page: parsePageRequest(options) });

export function parseEventExport({ options }: CommandInput, how: ParseContext): EventFilters {
  assertCsvFormat(options, how);
  return eventFilters(options);
}

type NewEventValue = 'contract' | 'name' | 'start' | 'end' | 'location' | 'attendees';

/** The values a new event needs; the contract's question gets its picker in the run step. */
export const NEW_EVENT_VALUES: RequiredValue<NewEventValue>[] = [
  {
    option: 'contract',
    flag: '--contract',
    message: "Signed contract of one of your clients (type the client's name, email, company or the contract id)",
    parse: parseId,
  },
  { option: 'name', flag: '--name', message: 'Event name', parse: parseEventName },
  { option: 'start', flag: '--start', message: 'Start (e.g. 2026-06-04 13:00)', parse: parseDateTime },
  { option: 'end', flag: '--end', message: 'End (e.g. 2026-06-05 02:00)', parse: parseDateTime },
  { option: 'location', flag: '--location', message: 'Location', parse: parseEventLocation },
  { option: 'attendees', flag: '--attendees', message: 'Number of attendees', parse: attendees },
];

/** An event ends after it starts (the service's rule), checked as soon as both times are known. */
export const NEW_EVENT_RULES: CrossRule<NewEventValue>[] = [{ options: ['start', 'end'], check: (v) => checkEventTimes(parseStart(v.start), parseEnd(v.end)) }];

export interface EventCreateInput {
  given: Partial<Record<NewEventValue, string>>;
  notes?: string;
}

export function parseEventCreate({ options }: CommandInput, how: ParseContext): EventCreateInput {
  const notes = flagString(options, 'notes');
  return { given: givenValues(options, NEW_EVENT_VALUES, how, NEW_EVENT_RULES), notes: notes === undefined ? undefined : parseNotes(notes) };
}

export interface EventUpdateInput {
  id: number;
  changes: EventChanges;
  /** `--support` alone: pick the support person from a list (on a terminal only). */
  pickSupport: boolean;
  expectedVersion?: number;
  allowOverlap: boolean;
}

export function parseEventUpdate(input: CommandInput, how: ParseContext): EventUpdateInput {
  const { options } = input;
  const given = (key: string) => flagString(options, key);
  const changes: EventChanges = {
    name: given('name') === undefined ? undefined : parseName(given('name')),
    startAt: given('start') === undefined ? undefined : parseStart(given('start')),
    endAt: given('end') === undefined ? undefined : parseEnd(given('end')),
    location: given('location') === undefined ? undefined : parseLocation(given('location')),
    attendees: given('attendees') === undefined ? undefined : parseAttendees(given('attendees')),
    notes: given('notes') === undefined ? undefined : parseNotes(given('notes')),
  };
  const pickSupport = options.support === true;
  if (pickSupport && !how.interactive) throw missingFlags(['--support']);
  if (options.support !== undefined && !pickSupport) changes.supportContactId = parseSupport(String(options.support));
  return { id: parseEventId(input).id, changes, pickSupport, expectedVersion: parseExpectedVersion(options), allowOverlap: flagSet(options, 'allowOverlap') };
}

/** `none` leaves the event without support; anything else must be an employee id. */
export function parseSupport(value: string): number | null {
  return value.trim().toLowerCase() === 'none' ? null : parseId(value, '--support');
}
