import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { describeOwned, type OwnedRecords } from '../../domain/owned-records';
import { deactivateEmployee, ownedRecords } from '../../services/employee.service';
import { parseId } from '../../validation/parse';
import { employeeResult } from './employee-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'employee id');
  const actor = await requireActor(ctx);
  const db = await ctx.db();
  const employee = await deactivateEmployee(db, actor, id);
  const owned = await ownedRecords(db, employee.id);
  if (owned.clients + owned.contracts + owned.events > 0) ctx.output.warn(stillOwnedWarning(id, owned));
  return employeeResult(employee, `deactivated employee ${id}: their sessions are ended, their records kept`);
};

/** What the deactivated employee still owns, and the commands that hand it over. */
function stillOwnedWarning(id: number, owned: OwnedRecords): string {
  const oneByOne =
    owned.clients > 0
      ? `epicevents client update <client id> --sales <id of an active SALES employee>`
      : `epicevents event update <event id> --support <id of an active SUPPORT employee>`;
  return `employee ${id} still owns ${describeOwned(owned)}: hand them over with \`${oneByOne}\`, or all at once with \`epicevents employee delete ${id} --reassign-to <id>\``;
}
