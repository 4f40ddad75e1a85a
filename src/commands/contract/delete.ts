import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';

import { parseId } from '../../validation/parse';
import { confirmDeletion } from '../shared/confirm-deletion';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'contract id');
  const backend = await ctx.backend();
  const contract = await backend.contracts.show(id);
  await confirmDeletion(ctx, `contract ${id} of ${contract.clientName} (${contract.totalAmount})`);
  const deleted = await backend.contracts.delete(id);
  return message(`Contract ${id} deleted`, { deleted: contractJson(deleted) });
};
