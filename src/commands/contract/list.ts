import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { usageError } from '../../errors/cli-error';
import { tableView } from '../../output/view';
import { type ContractFilters } from '../../backend/backend';
import { parseId } from '../../validation/parse';
import { flagSet, flagString } from '../shared/flags';
import { pagedResult, parsePageRequest } from '../shared/pagination';
import { CONTRACT_COLUMNS } from './contract-view';

/** The filter flags, shared with `contract export`. */
export function contractFilters(options: Record<string, unknown>): ContractFilters {
  const signed = flagSet(options, 'signed');
  const unsigned = flagSet(options, 'unsigned');
  if (signed && unsigned) throw usageError('--signed and --unsigned cannot be used together');
  return {
    mine: flagSet(options, 'mine'),
    clientId: options.client === undefined ? undefined : parseId(options.client, '--client'),
    signed: signed ? true : unsigned ? false : undefined,
    unpaid: flagSet(options, 'unpaid'),
    search: flagString(options, 'search'),
  };
}

export const run: RunFunction = async (ctx, { options }) => {
  const filters = contractFilters(options);
  const page = parsePageRequest(options);
  const contracts = await (await ctx.backend()).contracts.list(filters, page);
  return pagedResult(contracts, contractJson, (items) => tableView(items, CONTRACT_COLUMNS, 'no contracts match'));
};
