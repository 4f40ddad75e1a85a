import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { type IdInput } from './event-input';
import { message } from '../../output/view';

import { confirmDeletion, NOTHING_DELETED } from '../shared/confirm-deletion';

export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const backend = await ctx.backend();
  const event = await backend.events.show(id);
  if (!(await confirmDeletion(ctx, `event ${id} "${event.name}" of ${event.clientName}`))) return NOTHING_DELETED;
  const deleted = await backend.events.delete(id);
  return message(`deleted event ${id} "${deleted.name}" of ${deleted.clientName}`, { deleted: eventJson(deleted) });
};
