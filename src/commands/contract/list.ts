import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { usageError } from '../../errors/cli-error';
import { tableView } from '../../output/view';
import { type ContractFilters, listContracts } from '../../services/contract.service';
import { parseId } from '../../validation/parse';
import { flagSet, flagString } from '../shared/flags';
import { pagedResult, parsePageRequest } from '../shared/pagination';
import { CONTRACT_COLUMNS, contractJson } from './contract-view';

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
  const actor = await requireActor(ctx);
  const contracts = await listContracts(await ctx.db(), actor, filters, page);
  return pagedResult(ctx, contracts, contractJson, (items) => tableView(items, CONTRACT_COLUMNS, 'no contracts match'));
};
