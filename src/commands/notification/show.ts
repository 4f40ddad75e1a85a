import { type RunFunction } from '../../cli/command-spec';
import { notFound } from '../../errors/cli-error';
import { humanTime } from '../../output/json-values';
import { newestFirstFrom } from '../shared/pagination';
import { notificationJson } from '../../output/record-json';
import { type IdInput } from './input';

/** One notification whole: a list cuts a long message to the terminal's width. Reading it does not mark it read. */
export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const [notification] = (await (await ctx.backend()).notifications.list({ unreadOnly: false }, newestFirstFrom(id))).items;
  if (notification?.id !== id) throw notFound('notification', id);
  return {
    json: notificationJson(notification),
    human: {
      kind: 'record',
      fields: [
        ['id', String(notification.id)],
        ['when', humanTime(notification.createdAt)],
        ['kind', notification.kind],
        ['record', notification.entityType === null ? '' : `${notification.entityType} ${notification.entityId ?? ''}`.trim()],
        ['read', notification.readAt ? `yes, ${humanTime(notification.readAt)}` : `no (\`epicevents notification read ${notification.id}\`)`],
        ['message', notification.message],
      ],
    },
  };
};
