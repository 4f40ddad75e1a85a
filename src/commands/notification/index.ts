import { type CommandSpec } from '../../cli/command-spec';
import { PAGE_OPTIONS } from '../shared/pagination';
import { parseNotificationId, parseNotificationList, parseNotificationRead } from './input';

export const NOTIFICATION_COMMANDS: CommandSpec[] = [
  {
    name: 'notification list',
    summary: 'your notifications, newest first',
    options: [{ flags: '--unread', description: 'only those not read yet' }, ...PAGE_OPTIONS],
    examples: ['epicevents notification list --unread', 'epicevents notification list --json'],
    auth: 'session',
    action: 'notification.read',
    parse: parseNotificationList,
    load: async () => (await import('./list')).run,
  },
  {
    name: 'notification show',
    summary: 'show one of your notifications whole (a list cuts long messages)',
    args: '<id>',
    examples: ['epicevents notification show 12', 'epicevents notification show 12 --json'],
    auth: 'session',
    action: 'notification.read',
    parse: parseNotificationId,
    load: async () => (await import('./show')).run,
  },
  {
    name: 'notification read',
    summary: 'mark one of your notifications read, or all of them with --all',
    args: '[id]',
    options: [{ flags: '--all', description: 'mark every unread notification read' }],
    examples: ['epicevents notification read 12', 'epicevents notification read --all'],
    auth: 'session',
    action: 'notification.read',
    parse: parseNotificationRead,
    load: async () => (await import('./read')).run,
  },
];
