import { type RunFunction } from '../../cli/command-spec';
import { EVENT_CSV_COLUMNS } from '../../csv/csv-export';
import { assertCsvFormat, streamCsv } from '../shared/csv-export';
import { eventFilters } from './list';

export const run: RunFunction = async (ctx, { options }) => {
  assertCsvFormat(ctx, options);
  const filters = eventFilters(options);
  const backend = await ctx.backend();
  return streamCsv(ctx, EVENT_CSV_COLUMNS, (page) => backend.events.list(filters, page));
};
