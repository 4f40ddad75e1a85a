import { type RunFunction } from '../../cli/command-spec';
import { type IdInput } from './input';

import { employeeResult } from './employee-view';

export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  return employeeResult(await (await ctx.backend()).employees.reactivate(id), `reactivated employee ${id}`);
};
