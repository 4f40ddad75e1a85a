import { type RunFunction } from '../../cli/command-spec';
import { type EventFilters } from '../../backend/backend';
import { EVENT_CSV_COLUMNS } from '../../csv/csv-export';
import { streamCsv } from '../shared/csv-export';

export const run: RunFunction<EventFilters> = async (ctx, filters) => {
  const backend = await ctx.backend();
  return streamCsv(ctx, EVENT_CSV_COLUMNS, (page) => backend.events.list(filters, page));
};
