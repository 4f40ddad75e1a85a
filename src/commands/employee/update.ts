import { type RunFunction } from '../../cli/command-spec';
import { employeeResult } from './employee-view';
import { type EmployeeUpdateInput } from './input';

export const run: RunFunction<EmployeeUpdateInput> = async (ctx, { id, changes }) =>
  employeeResult(await (await ctx.backend()).employees.update(id, changes), `updated employee ${id}`);
