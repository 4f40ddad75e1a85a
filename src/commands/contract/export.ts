import { type RunFunction } from '../../cli/command-spec';
import { CONTRACT_CSV_COLUMNS } from '../../csv/csv-export';
import { assertCsvFormat, streamCsv } from '../shared/csv-export';
import { contractFilters } from './list';

export const run: RunFunction = async (ctx, { options }) => {
  assertCsvFormat(ctx, options);
  const filters = contractFilters(options);
  const backend = await ctx.backend();
  return streamCsv(ctx, CONTRACT_CSV_COLUMNS, (page) => backend.contracts.list(filters, page));
};
