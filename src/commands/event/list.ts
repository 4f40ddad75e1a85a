import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { tableView } from '../../output/view';
import { pagedResult } from '../shared/pagination';
import { type EventListInput } from './event-input';
import { EVENT_COLUMNS } from './event-view';

export const run: RunFunction<EventListInput> = async (ctx, { filters, page }) => {
  const events = await (await ctx.backend()).events.list(filters, page);
  return pagedResult(events, eventJson, (items) => tableView(items, EVENT_COLUMNS, 'no events match'));
};
