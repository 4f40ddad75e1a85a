import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { type IdInput } from './event-input';

import { eventRecordView } from './event-view';

export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const event = await (await ctx.backend()).events.show(id);
  return { json: eventJson(event), human: eventRecordView(event) };
};
