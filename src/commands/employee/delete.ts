import { employeeJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { parseId } from '../../validation/parse';
import { confirmDeletion } from '../shared/confirm-deletion';

export const run: RunFunction = async (ctx, { args, options }) => {
  const id = parseId(args[0], 'employee id');
  const reassignTo = options.reassignTo === undefined ? undefined : parseId(options.reassignTo, '--reassign-to');
  await confirmDeletion(ctx, `employee ${id}${reassignTo ? ` (their records go to employee ${reassignTo})` : ''}`);
  const { employee, reassignedTo, handedOver } = await (await ctx.backend()).employees.delete(id, { reassignTo });
  const moved = handedOver.clients + handedOver.contracts + handedOver.events;
  const text = moved > 0 && reassignedTo
    ? `deleted employee ${id}; ${handedOver.clients} client(s), ${handedOver.contracts} contract(s) and ${handedOver.events} event(s) now belong to employee ${reassignedTo.id}`
    : `deleted employee ${id}`;
  return {
    json: { deleted: employeeJson(employee), reassignedTo: reassignedTo?.id ?? null, handedOver: { ...handedOver } },
    human: { kind: 'message', text },
  };
};
