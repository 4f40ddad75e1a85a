import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { parseId } from '../../validation/parse';
import { eventRecordView } from './event-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'event id');
  const event = await (await ctx.backend()).events.show(id);
  return { json: eventJson(event), human: eventRecordView(event) };
};
