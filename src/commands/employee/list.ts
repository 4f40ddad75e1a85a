import { employeeJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { pagedResult } from '../shared/pagination';
import { employeeTable } from './employee-view';
import { type EmployeeListInput } from './input';

export const run: RunFunction<EmployeeListInput> = async (ctx, { filters, page }) => {
  const result = await (await ctx.backend()).employees.list(filters, page);
  const empty = filters.inactive ? 'no deactivated employees match' : 'no active employees match';
  return pagedResult(result, employeeJson, (items) => employeeTable(items, empty));
};
