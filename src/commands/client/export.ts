import { type RunFunction } from '../../cli/command-spec';
import { type ClientFilters } from '../../backend/backend';
import { CLIENT_CSV_COLUMNS } from '../../csv/csv-export';
import { streamCsv } from '../shared/csv-export';

export const run: RunFunction<ClientFilters> = async (ctx, filters) => {
  const backend = await ctx.backend();
  return streamCsv(ctx, CLIENT_CSV_COLUMNS, (page) => backend.clients.list(filters, page));
};
