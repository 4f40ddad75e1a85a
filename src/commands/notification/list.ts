import { notificationJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { localDateTime } from '../../output/terminal-text';
import { tableView } from '../../output/view';
import { type NotificationRecord } from '../../backend/backend';
import { pagedResult } from '../shared/pagination';
import { type NotificationListInput } from './input';

export const run: RunFunction<NotificationListInput> = async (ctx, { unreadOnly, page }) => {
  const result = await (await ctx.backend()).notifications.list({ unreadOnly }, page);
  return pagedResult(result, notificationJson, (items) =>
    tableView<NotificationRecord>(
      items,
      [
        { header: 'id', value: (n) => String(n.id), align: 'right' },
        { header: 'when', value: (n) => localDateTime(n.createdAt) },
        { header: '', value: (n) => (n.readAt ? '' : 'new') },
        { header: 'message', value: (n) => n.message, flexible: true },
      ],
      unreadOnly ? 'no unread notifications' : 'no notifications',
    ),
  );
};
