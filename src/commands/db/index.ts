import { type CommandSpec } from '../../cli/command-spec';

export const DB_COMMANDS: CommandSpec[] = [
  {
    name: 'db migrate',
    summary: 'apply every pending schema migration',
    examples: ['epicevents db migrate', 'DATABASE_URL=postgres://app@db.internal/epic epicevents db migrate --json'],
    load: async () => (await import('./migrate')).run,
  },
  {
    name: 'db status',
    summary: 'list migrations and whether each is applied',
    examples: ['epicevents db status', 'epicevents db status --json'],
    load: async () => (await import('./status')).run,
  },
  {
    name: 'db revert',
    summary: 'revert the newest applied migration (repeat to reach an empty schema)',
    examples: ['epicevents db revert', 'epicevents db revert --json'],
    load: async () => (await import('./revert')).run,
  },
];
