import { type RunFunction } from '../../cli/command-spec';
import { type IdInput } from './input';
import { describeOwned, type OwnedRecords } from '../../domain/owned-records';
import { employeeResult } from './employee-view';

export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const { employee, stillOwns } = await (await ctx.backend()).employees.deactivate(id);
  // Deactivation keeps the records on purpose, but clients left with someone who can no longer log in get no follow-up.
  if (stillOwns.clients + stillOwns.contracts + stillOwns.events > 0) ctx.output.warn(stillOwnedWarning(id, stillOwns));
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
