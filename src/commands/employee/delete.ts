import { employeeJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { confirmDeletion, NOTHING_DELETED } from '../shared/confirm-deletion';
import { employeeName } from './employee-view';
import { type EmployeeDeleteInput } from './input';

export const run: RunFunction<EmployeeDeleteInput> = async (ctx, { id, reassignTo }) => {
  const backend = await ctx.backend();
  if (!ctx.globals.yes) {
    const employee = await backend.employees.show(id);
    const what = `employee ${id}, ${employeeName(employee)} <${employee.email}>${reassignTo ? ` (their records go to employee ${reassignTo})` : ''}`;
    if (!(await confirmDeletion(ctx, what))) return NOTHING_DELETED;
  }
  const { employee, reassignedTo, handedOver } = await backend.employees.delete(id, { reassignTo });
  const moved = handedOver.clients + handedOver.contracts + handedOver.events;
  const text = moved > 0 && reassignedTo
    ? `deleted employee ${id}; ${handedOver.clients} client(s), ${handedOver.contracts} contract(s) and ${handedOver.events} event(s) now belong to employee ${reassignedTo.id}`
    : `deleted employee ${id}`;
  return {
    json: { deleted: employeeJson(employee), reassignedTo: reassignedTo?.id ?? null, handedOver: { ...handedOver } },
    human: { kind: 'message', text },
  };
};
