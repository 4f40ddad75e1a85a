import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { getEvent } from '../../services/event.service';
import { parseId } from '../../validation/parse';
import { eventJson, eventRecordView } from './event-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'event id');
  const actor = await requireActor(ctx);
  const event = await getEvent(await ctx.db(), actor, id);
  return { json: eventJson(event), human: eventRecordView(event) };
};
