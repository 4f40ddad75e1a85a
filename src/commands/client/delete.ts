import { clientJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { message } from '../../output/view';
import { confirmDeletion, NOTHING_DELETED } from '../shared/confirm-deletion';
import { type IdInput } from './input';

export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const backend = await ctx.backend();
  // Confirming a bare id would leave the person unsure which client they are deleting.
  if (!ctx.globals.yes) {
    const client = await backend.clients.show(id);
    if (!(await confirmDeletion(ctx, `client ${id}, ${client.fullName} of ${client.companyName}`))) return NOTHING_DELETED;
  }
  const client = await backend.clients.delete(id);
  return message(`deleted client ${id}, ${client.fullName} of ${client.companyName}`, { deleted: clientJson(client) });
};
