import { type RunFunction } from '../../cli/command-spec';
import { type ContractFilters } from '../../backend/backend';
import { CONTRACT_CSV_COLUMNS } from '../../csv/csv-export';
import { streamCsv } from '../shared/csv-export';

export const run: RunFunction<ContractFilters> = async (ctx, filters) => {
  const backend = await ctx.backend();
  return streamCsv(ctx, CONTRACT_CSV_COLUMNS, (page) => backend.contracts.list(filters, page));
};
