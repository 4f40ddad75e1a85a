import { type RunFunction } from '../../cli/command-spec';

import { parseId } from '../../validation/parse';
import { employeeResult } from './employee-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'employee id');
  return employeeResult(await (await ctx.backend()).employees.show(id));
};
