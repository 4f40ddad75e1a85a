import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { tableView } from '../../output/view';
import { pagedResult } from '../shared/pagination';
import { CONTRACT_COLUMNS } from './contract-view';
import { type ContractListInput } from './input';

export const run: RunFunction<ContractListInput> = async (ctx, { filters, page }) => {
  const contracts = await (await ctx.backend()).contracts.list(filters, page);
  return pagedResult(contracts, contractJson, (items) => tableView(items, CONTRACT_COLUMNS, 'no contracts match'));
};
