import { type CommandSpec } from '../../cli/command-spec';
import { parseInit, parseLogin, parsePasswordChange } from './input';

export const AUTH_COMMANDS: CommandSpec[] = [
  {
    name: 'init',
    summary: 'first run: migrate the database and create the first MANAGEMENT account',
    options: [
      { flags: '--first-name <name>', description: 'first name of the first manager' },
      { flags: '--last-name <name>', description: 'last name of the first manager' },
      { flags: '--email <email>', description: 'email of the first manager (used to log in)' },
      { flags: '--password-stdin', description: 'read the password from the first line of stdin' },
    ],
    examples: [
      'epicevents init',
      "printf '%s\\n' \"$PASSWORD\" | epicevents init --first-name Ada --last-name Lovelace --email ada@epic.events --password-stdin",
    ],
    auth: 'none',
    parse: parseInit,
    load: async () => (await import('./init')).run,
  },
  {
    name: 'login',
    summary: 'log in and keep the session in the OS keychain (or a private file)',
    options: [
      { flags: '--email <email>', description: 'your email' },
      { flags: '--password-stdin', description: 'read the password from the first line of stdin' },
      { flags: '--print-token', description: 'print an access token for EPICEVENTS_TOKEN instead of storing the session' },
      { flags: '--server <url>', description: 'log in to this epicevents server (https, or http on this machine) and use it for every command until logout' },
      { flags: '--tenant <slug>', description: 'your company on that server (default: EPICEVENTS_TENANT, else "default")' },
    ],
    examples: [
      'epicevents login',
      'epicevents login --server https://crm.example.com',
      'epicevents login --server https://crm.example.com --tenant acme-events',
      'export EPICEVENTS_TOKEN=$(printf \'%s\\n\' "$PASSWORD" | epicevents login --email ci@epic.events --password-stdin --print-token)', "printf '%s\\n' \"$PASSWORD\" | epicevents login --email ada@epic.events --password-stdin --json"],
    auth: 'none',
    parse: parseLogin,
    load: async () => (await import('./login')).run,
  },
  {
    name: 'logout',
    summary: 'end the session on the server and remove the local copy',
    examples: ['epicevents logout'],
    auth: 'none',
    load: async () => (await import('./logout')).run,
  },
  {
    name: 'whoami',
    summary: 'show who is logged in, the tenant, the role, token expiry and credential store',
    examples: ['epicevents whoami', 'epicevents whoami --json'],
    auth: 'session',
    allowPendingPasswordChange: true,
    allowTenantOutOfService: true,
    load: async () => (await import('./whoami')).run,
  },
  {
    name: 'password change',
    summary: 'change your own password',
    options: [
      { flags: '--password-stdin', description: 'read the current password, then the new one, one per line from stdin' },
      { flags: '--stdin', description: 'the same as --password-stdin (its earlier name)' },
    ],
    examples: ['epicevents password change', "printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | epicevents password change --password-stdin"],
    auth: 'session',
    allowPendingPasswordChange: true,
    parse: parsePasswordChange,
    load: async () => (await import('./password-change')).run,
  },
];
