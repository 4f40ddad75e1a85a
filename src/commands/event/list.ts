import { eventJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { tableView } from '../../output/view';
import { type EventFilters } from '../../backend/backend';
import { parseDateTime, parseId } from '../../validation/parse';
import { flagSet, flagString } from '../shared/flags';
import { pagedResult, parsePageRequest } from '../shared/pagination';
import { EVENT_COLUMNS } from './event-view';

/** The filter flags, shared with `event export`. */
export function eventFilters(options: Record<string, unknown>): EventFilters {
  // commander gives `--support <id>` as a string and `--no-support` as false (the last one typed wins).
  const support = options.support;
  const optionalId = (key: string, flag: string) => (options[key] === undefined ? undefined : parseId(options[key], flag));
  const optionalDate = (key: string, flag: string) => (options[key] === undefined ? undefined : parseDateTime(options[key], flag));
  return {
    mine: flagSet(options, 'mine'),
    noSupport: support === false,
    supportId: typeof support === 'string' ? parseId(support, '--support') : undefined,
    clientId: optionalId('client', '--client'),
    contractId: optionalId('contract', '--contract'),
    from: optionalDate('from', '--from'),
    to: optionalDate('to', '--to'),
    search: flagString(options, 'search'),
  };
}

export const run: RunFunction = async (ctx, { options }) => {
  const filters = eventFilters(options);
  const page = parsePageRequest(options);
  const events = await (await ctx.backend()).events.list(filters, page);
  return pagedResult(events, eventJson, (items) => tableView(items, EVENT_COLUMNS, 'no events match'));
};
