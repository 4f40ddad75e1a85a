import { type CommandSpec } from '../../cli/command-spec';
import { EXPECTED_VERSION_OPTION } from '../shared/expected-version';
import { CSV_OPTION } from '../shared/csv-export';
import { PAGE_OPTIONS } from '../shared/pagination';
import { assertConfirmable } from '../shared/confirm-deletion';
import { parseClientCreate, parseClientExport, parseClientId, parseClientList, parseClientUpdate } from './input';

/** The filters of `client list`, which `client export` takes too. */
const LIST_FILTERS = [
  { flags: '--mine', description: 'only the clients you own (SALES)' },
  { flags: '--sales <employeeId>', description: 'only the clients of this SALES employee' },
  { flags: '--search <text>', description: 'case-insensitive text in the full name, email or company' },
];

export const CLIENT_COMMANDS: CommandSpec[] = [
  {
    name: 'client list',
    summary: 'list clients, optionally only yours, one salesperson\'s, or matching a text',
    options: [...LIST_FILTERS, ...PAGE_OPTIONS],
    examples: ['epicevents client list --mine', 'epicevents client list --search "startup" --json', 'epicevents client list --sales 4 --limit 100 --cursor 250'],
    auth: 'session',
    action: 'client.read',
    parse: parseClientList,
    load: async () => (await import('./list')).run,
  },
  {
    name: 'client show',
    summary: 'show one client and its sales contact',
    args: '<id>',
    examples: ['epicevents client show 12', 'epicevents client show 12 --json'],
    auth: 'session',
    action: 'client.read',
    parse: parseClientId,
    load: async () => (await import('./show')).run,
  },
  {
    name: 'client create',
    summary: 'create a client that you own (SALES)',
    options: [
      { flags: '--full-name <name>', description: "the client's full name" },
      { flags: '--email <email>', description: 'email (unique)' },
      { flags: '--phone <phone>', description: 'phone number, stored in E.164' },
      { flags: '--company <name>', description: 'company name' },
    ],
    examples: [
      'epicevents client create',
      'epicevents client create --full-name "Kevin Casey" --email kevin@startup.io --phone "+33 6 12 34 56 78" --company "Cool Startup LLC"',
      'epicevents client create --full-name "Kevin Casey" --email kevin@startup.io --phone 0612345678 --company "Cool Startup LLC" --json',
    ],
    auth: 'session',
    action: 'client.create',
    parse: parseClientCreate,
    load: async () => (await import('./create')).run,
  },
  {
    name: 'client update',
    summary: "change your client's details (SALES), or hand a client to another salesperson (MANAGEMENT)",
    args: '<id>',
    options: [
      { flags: '--full-name <name>', description: 'new full name' },
      { flags: '--email <email>', description: 'new email' },
      { flags: '--phone <phone>', description: 'new phone number' },
      { flags: '--company <name>', description: 'new company name' },
      { flags: '--sales <employeeId>', description: 'new owner: an active SALES employee (MANAGEMENT only)' },
      EXPECTED_VERSION_OPTION,
    ],
    examples: [
      'epicevents client update 12 --phone "+33 6 12 34 56 78"',
      'epicevents client update 12 --sales 7',
      'epicevents client update 12 --company "Cool Startup SAS" --expected-version 3 --json',
    ],
    auth: 'session',
    // client.update or client.reassign, or both: the service tells from the changes.
    parse: parseClientUpdate,
    load: async () => (await import('./update')).run,
  },
  {
    name: 'client delete',
    summary: 'delete a client that has no contracts (MANAGEMENT)',
    args: '<id>',
    examples: ['epicevents client delete 12', 'epicevents client delete 12 --yes --json'],
    auth: 'session',
    action: 'client.delete',
    parse: (input, how) => {
      const parsed = parseClientId(input);
      assertConfirmable(how);
      return parsed;
    },
    load: async () => (await import('./delete')).run,
  },
  {
    name: 'client import',
    summary: 'import clients from a CSV file (full_name,email,phone,company_name); they become yours (SALES)',
    args: '<file>',
    options: [{ flags: '--skip-invalid', description: 'import the valid lines and report the others (default: one invalid line imports nothing)' }],
    examples: [
      'epicevents client import clients.csv',
      'epicevents client import clients.csv --skip-invalid',
      'epicevents client import clients.csv --json',
      'epicevents client export --csv | epicevents client import -',
    ],
    auth: 'session',
    action: 'csv.import',
    load: async () => (await import('./import')).run,
  },
  {
    name: 'client export',
    summary: 'write clients as CSV on stdout, with the filters of client list',
    options: [...LIST_FILTERS, CSV_OPTION],
    examples: ['epicevents client export --csv > clients.csv', 'epicevents client export --mine --csv > my-clients.csv', 'epicevents client export --search startup --csv'],
    auth: 'session',
    action: 'csv.export',
    parse: parseClientExport,
    load: async () => (await import('./export')).run,
  },
];
