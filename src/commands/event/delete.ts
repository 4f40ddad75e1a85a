import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';

import { parseId } from '../../validation/parse';
import { confirmDeletion, NOTHING_DELETED } from '../shared/confirm-deletion';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'event id');
  const backend = await ctx.backend();
  const event = await backend.events.show(id);
  if (!(await confirmDeletion(ctx, `event ${id} "${event.name}" of ${event.clientName}`))) return NOTHING_DELETED;
  const deleted = await backend.events.delete(id);
  return message(`deleted event ${id} "${deleted.name}" of ${deleted.clientName}`, { deleted: eventJson(deleted) });
};
