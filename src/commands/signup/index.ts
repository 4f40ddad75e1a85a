import { type CommandSpec } from '../../cli/command-spec';
import { flagString } from '../shared/flags';
import { parseNewTenant } from '../shared/new-tenant';

export const SIGNUP_COMMANDS: CommandSpec[] = [
  {
    name: 'signup',
    summary: 'sign a new company up on a server (TRIAL, 14 days) with its first MANAGEMENT account, and log in to it',
    options: [
      { flags: '--server <url>', description: 'the epicevents server (https, or http on this machine); else EPICEVENTS_SERVER' },
      { flags: '--company <name>', description: "your company's name (its slug, for logins, is made from it)" },
      { flags: '--email <email>', description: 'your email (used to log in)' },
      { flags: '--first-name <name>', description: 'your first name' },
      { flags: '--last-name <name>', description: 'your last name' },
      { flags: '--plan <plan>', description: 'STARTER (default), PROFESSIONAL or ENTERPRISE' },
      { flags: '--password-stdin', description: 'read the password from the first line of stdin' },
    ],
    examples: [
      'epicevents signup --server https://crm.example.com',
      "printf '%s\\n' \"$PASSWORD\" | epicevents signup --server https://crm.example.com --company 'Acme Events' --email ann@acme.io --first-name Ann --last-name Lee --password-stdin --json",
    ],
    auth: 'none',
    parse: (input, how) => ({ ...parseNewTenant(input, how, ['--company', '--email', '--first-name', '--last-name'], ['--plan']), server: flagString(input.options, 'server') }),
    load: async () => (await import('./signup')).run,
  },
];
