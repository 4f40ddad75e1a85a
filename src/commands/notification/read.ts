import { notificationJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';

import { type parseNotificationRead } from './input';

export const run: RunFunction<ReturnType<typeof parseNotificationRead>> = async (ctx, { id }) => {
  const backend = await ctx.backend();
  if (id === undefined) {
    const count = await backend.notifications.readAll();
    return message(`marked ${count} notification${count === 1 ? '' : 's'} read`, { marked: count });
  }
  const read = await backend.notifications.read(id);
  return { json: notificationJson(read), human: { kind: 'message', text: `notification ${id} marked read` } };
};
