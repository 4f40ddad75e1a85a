import { notificationJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { localDateTime } from '../../output/terminal-text';
import { tableView } from '../../output/view';
import { type NotificationRecord } from '../../backend/backend';
import { flagSet } from '../shared/flags';
import { pagedResult, parsePageRequest } from '../shared/pagination';

export const run: RunFunction = async (ctx, { options }) => {
  const page = parsePageRequest(options);
  const result = await (await ctx.backend()).notifications.list({ unreadOnly: flagSet(options, 'unread') }, page);
  return pagedResult(result, notificationJson, (items) =>
    tableView<NotificationRecord>(
      items,
      [
        { header: 'id', value: (n) => String(n.id), align: 'right' },
        { header: 'when', value: (n) => localDateTime(n.createdAt) },
        { header: '', value: (n) => (n.readAt ? '' : 'new') },
        { header: 'message', value: (n) => n.message, flexible: true },
      ],
      flagSet(options, 'unread') ? 'no unread notifications' : 'no notifications',
    ),
  );
};
