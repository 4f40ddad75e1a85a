import { notificationJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { usageError } from '../../errors/cli-error';
import { message } from '../../output/view';

import { parseId } from '../../validation/parse';
import { flagSet } from '../shared/flags';

export const run: RunFunction = async (ctx, { args, options }) => {
  const all = flagSet(options, 'all');
  if (all === (args[0] !== undefined)) throw usageError('give either a notification id or --all');
  const id = all ? undefined : parseId(args[0], 'notification id');
  const backend = await ctx.backend();
  if (id === undefined) {
    const count = await backend.notifications.readAll();
    return message(`marked ${count} notification${count === 1 ? '' : 's'} read`, { marked: count });
  }
  const read = await backend.notifications.read(id);
  return { json: notificationJson(read), human: { kind: 'message', text: `notification ${id} marked read` } };
};
