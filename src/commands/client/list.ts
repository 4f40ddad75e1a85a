import { clientJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { type ClientFilters } from '../../backend/backend';
import { parseId } from '../../validation/parse';
import { flagSet, flagString } from '../shared/flags';
import { pagedResult, parsePageRequest } from '../shared/pagination';
import { clientTable } from './client-view';

/** The filter flags, shared with `client export`. */
export function clientFilters(options: Record<string, unknown>): ClientFilters {
  return {
    mine: flagSet(options, 'mine'),
    salesContactId: options.sales === undefined ? undefined : parseId(options.sales, '--sales'),
    search: flagString(options, 'search'),
  };
}

export const run: RunFunction = async (ctx, { options }) => {
  const filters = clientFilters(options);
  const page = parsePageRequest(options);
  const result = await (await ctx.backend()).clients.list(filters, page);
  return pagedResult(result, clientJson, clientTable);
};
