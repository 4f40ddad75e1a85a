import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { localDateTime } from '../../output/terminal-text';
import { tableView } from '../../output/view';
import { listNotifications, type NotificationRecord } from '../../services/notification.service';
import { flagSet } from '../shared/flags';
import { pagedResult, parsePageRequest } from '../shared/pagination';
import { notificationJson } from './notification-view';

export const run: RunFunction = async (ctx, { options }) => {
  const page = parsePageRequest(options);
  const actor = await requireActor(ctx);
  const result = await listNotifications(await ctx.db(), actor, flagSet(options, 'unread'), page);
  return pagedResult(ctx, result, notificationJson, (items) =>
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
