import { type CommandSpec } from '../../cli/command-spec';

export const VERSION_COMMANDS: CommandSpec[] = [
  {
    name: 'version',
    summary: 'print the version of epicevents (also -v, --version)',
    examples: ['epicevents version', 'epicevents version --json'],
    auth: 'none',
    load: async () => (await import('./version')).run,
  },
];
