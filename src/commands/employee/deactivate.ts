import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { deactivateEmployee, stillOwnedWarning } from '../../services/employee.service';
import { parseId } from '../../validation/parse';
import { employeeResult } from './employee-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'employee id');
  const actor = await requireActor(ctx);
  const db = await ctx.db();
  const employee = await deactivateEmployee(db, actor, id);
  const warning = await stillOwnedWarning(db, employee);
  if (warning) ctx.output.warn(warning);
  return employeeResult(employee, `deactivated employee ${id}: their sessions are ended, their records kept`);
};
