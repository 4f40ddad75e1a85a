import { employeeJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { parseRole } from '../../validation/parse';
import { flagSet, flagString } from '../shared/flags';
import { pagedResult, parsePageRequest } from '../shared/pagination';
import { employeeTable } from './employee-view';

export const run: RunFunction = async (ctx, { options }) => {
  const role = flagString(options, 'role');
  const filters = { role: role === undefined ? undefined : parseRole(role, '--role'), inactive: flagSet(options, 'inactive') };
  const page = parsePageRequest(options);
  const result = await (await ctx.backend()).employees.list(filters, page);
  const empty = filters.inactive ? 'no deactivated employees match' : 'no active employees match';
  return pagedResult(result, employeeJson, (items) => employeeTable(items, empty));
};
