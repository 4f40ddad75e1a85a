import { type CommandSpec } from '../../cli/command-spec';

export const TENANT_COMMANDS: CommandSpec[] = [
  {
    name: 'tenant show',
    summary: "your company's account: plan, status, limits and usage, trial days left (any role)",
    examples: ['epicevents tenant show', 'epicevents tenant show --json'],
    auth: 'session',
    // It says why every other command is refused: a trial that ended, a suspension, a cancellation.
    allowTenantOutOfService: true,
    load: async () => (await import('./show')).run,
  },
];
