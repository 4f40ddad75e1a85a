import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { getEmployee } from '../../services/employee.service';
import { parseId } from '../../validation/parse';
import { employeeResult } from './employee-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'employee id');
  const actor = await requireActor(ctx);
  return employeeResult(await getEmployee(await ctx.db(), actor, id));
};
