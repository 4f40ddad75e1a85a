import { type CommandSpec } from '../../cli/command-spec';

export const REPORT_COMMANDS: CommandSpec[] = [
  {
    name: 'report',
    summary: 'a dashboard for your role: figures, tables and charts (MANAGEMENT, SALES, SUPPORT)',
    options: [{ flags: '--ascii', description: 'draw with plain ASCII (automatic when the locale is not UTF-8)' }],
    examples: ['epicevents report', 'epicevents report --ascii', 'epicevents report --json'],
    auth: 'session',
    action: 'report.read',
    load: async () => (await import('./report')).run,
  },
];
