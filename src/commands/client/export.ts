import { type RunFunction } from '../../cli/command-spec';
import { CLIENT_CSV_COLUMNS } from '../../csv/csv-export';
import { assertCsvFormat, streamCsv } from '../shared/csv-export';
import { clientFilters } from './list';

export const run: RunFunction = async (ctx, { options }) => {
  assertCsvFormat(ctx, options);
  const filters = clientFilters(options);
  const backend = await ctx.backend();
  return streamCsv(ctx, CLIENT_CSV_COLUMNS, (page) => backend.clients.list(filters, page));
};
