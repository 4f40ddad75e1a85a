import { type CommandSpec } from '../../cli/command-spec';

export const DB_COMMANDS: CommandSpec[] = [
  {
    name: 'db migrate',
    summary: 'apply every pending schema migration',
    examples: ['epicevents db migrate', 'DATABASE_URL=postgres://app@db.internal/epic epicevents db migrate --json'],
    auth: 'none',
    directOnly: true,
    load: async () => (await import('./migrate')).run,
  },
  {
    name: 'db status',
    summary: 'list migrations and whether each is applied',
    examples: ['epicevents db status', 'epicevents db status --json'],
    auth: 'none',
    directOnly: true,
    load: async () => (await import('./status')).run,
  },
  {
    name: 'db roles',
    summary: 'print the SQL for the owner and application database roles (no login needed)',
    options: [
      { flags: '--print', description: 'print the SQL (required: the command never applies it itself)' },
      { flags: '--owner <role>', description: 'owner role: owns the schema, runs migrations (default epicevents_owner)' },
      { flags: '--app <role>', description: 'application role the CLI connects as (default epicevents_app)' },
    ],
    examples: [
      'epicevents db roles --print',
      'epicevents db roles --print | psql -v ON_ERROR_STOP=1 "postgres://postgres@db.internal:5432/epicevents"',
      'epicevents db roles --print --owner crm_owner --app crm_app --json',
    ],
    auth: 'none',
    directOnly: true,
    load: async () => (await import('./roles')).run,
  },
  {
    name: 'db revert',
    summary: 'revert the newest applied migration, naming the tables it drops (MANAGEMENT and a confirmation once there are employees)',
    examples: ['epicevents db revert', 'epicevents db revert --yes --json'],
    auth: { sessionWhen: async (ctx) => (await import('./login-needed')).revertNeedsLogin(ctx) },
    action: 'database.revert',
    directOnly: true,
    load: async () => (await import('./revert')).run,
  },
  {
    name: 'db seed',
    summary: 'write a demo data set: employees, clients, contracts and events (MANAGEMENT, or a database without employees)',
    options: [
      { flags: '--demo', description: 'demo data (required): every demo account has the password demo-password-2026' },
      { flags: '--scale <n>', description: 'about N clients, N contracts and N events (default 40; 0: only the examples of the specification), for benchmarks' },
    ],
    examples: ['epicevents db seed --demo', 'epicevents db seed --demo --scale 100000', 'DATABASE_URL=postgres://postgres@127.0.0.1/bench epicevents db seed --demo --scale 1000000 --json'],
    auth: { sessionWhen: async (ctx, input) => (await import('./login-needed')).seedNeedsLogin(ctx, input) },
    directOnly: true,
    load: async () => (await import('./seed')).run,
  },
];
