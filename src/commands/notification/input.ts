import { type CommandInput } from '../../cli/command-spec';
import { usageError } from '../../errors/cli-error';
import { type PageRequest } from '../../backend/backend';
import { parseId } from '../../validation/parse';
import { flagSet } from '../shared/flags';
import { parsePageRequest } from '../shared/pagination';

/** The parse steps of the notification commands: flags → typed input, before anything opens. */

export interface IdInput {
  id: number;
}

export const parseNotificationId = ({ args }: CommandInput): IdInput => ({ id: parseId(args[0], 'notification id') });

export interface NotificationListInput {
  unreadOnly: boolean;
  page: PageRequest;
}

export const parseNotificationList = ({ options }: CommandInput): NotificationListInput => ({ unreadOnly: flagSet(options, 'unread'), page: parsePageRequest(options) });

/** `notification read ID` or `notification read --all` (id undefined). */
export function parseNotificationRead({ args, options }: CommandInput): { id?: number } {
  const all = flagSet(options, 'all');
  if (all === (args[0] !== undefined)) throw usageError('give either a notification id or --all');
  return { id: all ? undefined : parseId(args[0], 'notification id') };
}
