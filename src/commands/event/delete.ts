import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';

import { parseId } from '../../validation/parse';
import { confirmDeletion } from '../shared/confirm-deletion';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'event id');
  const backend = await ctx.backend();
  const event = await backend.events.show(id);
  await confirmDeletion(ctx, `event ${id} "${event.name}" of ${event.clientName}`);
  const deleted = await backend.events.delete(id);
  return message(`Event ${id} deleted`, { deleted: eventJson(deleted) });
};
