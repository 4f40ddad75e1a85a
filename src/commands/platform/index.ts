import { type CommandSpec } from '../../cli/command-spec';
import { parsePlatformInit, parsePlatformLogin, parsePlatformTenant, TENANT_ACTIONS } from './input';

/** The platform operator's commands: its own login (apart from every employee's), tenants and counts. */
export const PLATFORM_COMMANDS: CommandSpec[] = [
  {
    name: 'platform init',
    summary: 'create the first platform operator (on the server machine: DATABASE_URL); refused once one exists',
    options: [
      { flags: '--email <email>', description: "the operator's email (used to log in)" },
      { flags: '--name <name>', description: "the operator's name (optional)" },
      { flags: '--password-stdin', description: 'read the password from the first line of stdin' },
    ],
    examples: [
      'DATABASE_URL=postgres://epicevents_app@db.internal/epicevents epicevents platform init --email ops@example.com',
      "printf '%s\\n' \"$PASSWORD\" | epicevents platform init --email ops@example.com --password-stdin --json",
    ],
    auth: 'none',
    directOnly: true,
    parse: parsePlatformInit,
    load: async () => (await import('./init')).run,
  },
  {
    name: 'platform login',
    summary: 'log in to a server as a platform operator (kept apart from employee sessions)',
    options: [
      { flags: '--server <url>', description: 'the epicevents server (https, or http on this machine)' },
      { flags: '--email <email>', description: "the operator's email" },
      { flags: '--password-stdin', description: 'read the password from the first line of stdin' },
    ],
    examples: ['epicevents platform login --server https://crm.example.com --email ops@example.com'],
    auth: 'none',
    parse: parsePlatformLogin,
    load: async () => (await import('./login')).run,
  },
  {
    name: 'platform logout',
    summary: 'end the platform login on the server and remove the local copy',
    examples: ['epicevents platform logout'],
    auth: 'none',
    load: async () => (await import('./logout')).run,
  },
  {
    name: 'platform tenant',
    summary: `tenants: ${TENANT_ACTIONS.join(', ')} (a tenant by slug or id)`,
    args: '<action> [tenant] [plan]',
    options: [
      { flags: '--name <name>', description: "create: the company's name (its slug is made from it)" },
      { flags: '--plan <plan>', description: 'create: STARTER, PROFESSIONAL or ENTERPRISE' },
      { flags: '--email <email>', description: "create: the first manager's email" },
      { flags: '--first-name <name>', description: "create: the first manager's first name" },
      { flags: '--last-name <name>', description: "create: the first manager's last name" },
      { flags: '--password-stdin', description: "create: read the first manager's password from stdin" },
      { flags: '--days <n>', description: 'extend-trial: days to add (1 to 365)' },
    ],
    examples: [
      'epicevents platform tenant list',
      'epicevents platform tenant show acme-events --json',
      "epicevents platform tenant create --name 'Acme Events' --plan PROFESSIONAL --email ann@acme.io --first-name Ann --last-name Lee",
      'epicevents platform tenant suspend acme-events',
      'epicevents platform tenant resume 12',
      'epicevents platform tenant cancel acme-events',
      'epicevents platform tenant plan acme-events ENTERPRISE',
      'epicevents platform tenant extend-trial acme-events --days 7',
    ],
    auth: 'none',
    parse: parsePlatformTenant,
    load: async () => (await import('./tenant')).run,
  },
  {
    name: 'platform stats',
    summary: 'tenants by status and plan, employees and clients per tenant (counts only)',
    examples: ['epicevents platform stats', 'epicevents platform stats --json'],
    auth: 'none',
    load: async () => (await import('./stats')).run,
  },
];
