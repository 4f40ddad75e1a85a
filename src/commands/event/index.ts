import { type CommandSpec } from '../../cli/command-spec';
import { EXPECTED_VERSION_OPTION } from '../shared/expected-version';
import { CSV_OPTION } from '../shared/csv-export';
import { PAGE_OPTIONS } from '../shared/pagination';
import { assertConfirmable } from '../shared/confirm-deletion';
import { parseEventCreate, parseEventExport, parseEventId, parseEventList, parseEventUpdate } from './event-input';

/** The filters of `event list`, which `event export` takes too. */
const LIST_FILTERS = [
  { flags: '--mine', description: 'SUPPORT: events assigned to you; SALES: events of your clients' },
  { flags: '--support <id>', description: 'only events supported by this employee' },
  { flags: '--no-support', description: 'only events without a support person' },
  { flags: '--client <id>', description: 'only events of this client' },
  { flags: '--contract <id>', description: 'only events of this contract' },
  { flags: '--from <date>', description: 'only events starting at or after this date-time' },
  { flags: '--to <date>', description: 'only events starting before this date-time (excluded)' },
  { flags: '--search <text>', description: "case-insensitive text in the event's name or location, or its client's full name, email or company" },
];

export const EVENT_COMMANDS: CommandSpec[] = [
  {
    name: 'event list',
    summary: 'list events, filtered by support person, client, contract, start date or a text',
    options: [...LIST_FILTERS, ...PAGE_OPTIONS],
    examples: [
      'epicevents event list --mine',
      'epicevents event list --no-support --json',
      'epicevents event list --from 2026-06-01 --to 2026-07-01',
      'epicevents event list --search "garden party" --support 7',
    ],
    auth: 'session',
    action: 'event.read',
    parse: parseEventList,
    load: async () => (await import('./list')).run,
  },
  {
    name: 'event show',
    summary: 'show one event with its client and support person',
    args: '<id>',
    examples: ['epicevents event show 42', 'epicevents event show 42 --json'],
    auth: 'session',
    action: 'event.read',
    parse: parseEventId,
    load: async () => (await import('./show')).run,
  },
  {
    name: 'event create',
    summary: "create the event of a signed contract of one of your clients (SALES)",
    options: [
      { flags: '--contract <id>', description: 'the signed contract' },
      { flags: '--name <name>', description: 'event name' },
      { flags: '--start <datetime>', description: 'start, ISO 8601 (local time without an offset)' },
      { flags: '--end <datetime>', description: 'end, after the start' },
      { flags: '--location <text>', description: 'where it takes place' },
      { flags: '--attendees <n>', description: 'expected number of attendees' },
      { flags: '--notes <text>', description: 'free-text notes' },
    ],
    examples: [
      'epicevents event create --contract 346 --name "John Quick Wedding" --start "2026-06-04 13:00" --end "2026-06-05 02:00" --location "53 Rue du Château, Candé-sur-Beuvron" --attendees 75',
      'epicevents event create --contract 346 --name Launch --start 2026-09-01T18:00+02:00 --end 2026-09-01T23:00+02:00 --location Paris --attendees 200 --notes "DJ from 21:00" --json',
      'epicevents event create',
    ],
    auth: 'session',
    action: 'event.create',
    parse: parseEventCreate,
    load: async () => (await import('./create')).run,
  },
  {
    name: 'event update',
    summary: 'update an event (SUPPORT: yours); MANAGEMENT also assigns its support person, who must not be at another event then',
    args: '<id>',
    options: [
      { flags: '--name <name>', description: 'new name' },
      { flags: '--start <datetime>', description: 'new start' },
      { flags: '--end <datetime>', description: 'new end' },
      { flags: '--location <text>', description: 'new location' },
      { flags: '--attendees <n>', description: 'new number of attendees' },
      { flags: '--notes <text>', description: 'new notes (replaces the old ones)' },
      { flags: '--support [employeeId]', description: 'support person: an active SUPPORT employee id, or none (bare: pick from a list marking who is busy)' },
      { flags: '--allow-overlap', description: 'let the support person be at another of their events at the same time (otherwise exit 6)' },
      EXPECTED_VERSION_OPTION,
    ],
    examples: [
      'epicevents event update 42 --support 7',
      'epicevents event update 42 --attendees 80 --notes "Catering confirmed"',
      'epicevents event update 42 --start "2026-06-04 18:00" --end "2026-06-05 01:00" --allow-overlap --expected-version 3 --json',
      'epicevents event update 42 --support',
    ],
    auth: 'session',
    // Assigning support is its own action, refused before the support picker is shown.
    action: ({ options }) => (options.support === undefined ? 'event.update' : 'event.assign-support'),
    parse: parseEventUpdate,
    load: async () => (await import('./update')).run,
  },
  {
    name: 'event delete',
    summary: 'delete an event (MANAGEMENT)',
    args: '<id>',
    examples: ['epicevents event delete 42', 'epicevents event delete 42 --yes --json'],
    auth: 'session',
    action: 'event.delete',
    parse: (input, how) => {
      const parsed = parseEventId(input);
      assertConfirmable(how);
      return parsed;
    },
    load: async () => (await import('./delete')).run,
  },
  {
    name: 'event export',
    summary: 'write events as CSV on stdout, with the filters of event list',
    options: [...LIST_FILTERS, CSV_OPTION],
    examples: ['epicevents event export --csv > events.csv', 'epicevents event export --from 2026-06-01 --to 2026-07-01 --csv', 'epicevents event export --no-support --csv'],
    auth: 'session',
    action: 'csv.export',
    parse: parseEventExport,
    load: async () => (await import('./export')).run,
  },
];
