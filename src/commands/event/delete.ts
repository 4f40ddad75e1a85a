import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { message } from '../../output/view';
import { assertAllowed } from '../../permissions/assert-allowed';
import { deleteEvent, getEvent } from '../../services/event.service';
import { parseId } from '../../validation/parse';
import { confirmDeletion } from '../shared/confirm-deletion';
import { eventJson } from './event-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'event id');
  const actor = await requireActor(ctx);
  assertAllowed(actor, 'event.delete');
  const db = await ctx.db();
  const event = await getEvent(db, actor, id);
  await confirmDeletion(ctx, `event ${id} "${event.name}" of ${event.clientName}`);
  const deleted = await deleteEvent(db, actor, id);
  return message(`Event ${id} deleted`, { deleted: eventJson(deleted) });
};
