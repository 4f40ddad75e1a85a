import { clientJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { pagedResult } from '../shared/pagination';
import { clientTable } from './client-view';
import { type ClientListInput } from './input';

export const run: RunFunction<ClientListInput> = async (ctx, { filters, page }) => {
  const result = await (await ctx.backend()).clients.list(filters, page);
  return pagedResult(result, clientJson, clientTable);
};
