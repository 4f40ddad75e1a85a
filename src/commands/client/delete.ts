import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { assertAllowed } from '../../permissions/assert-allowed';
import { deleteClient } from '../../services/client.service';
import { message } from '../../output/view';
import { parseId } from '../../validation/parse';
import { confirmDeletion } from '../shared/confirm-deletion';
import { clientJson } from './client-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'client id');
  const actor = await requireActor(ctx);
  assertAllowed(actor, 'client.delete'); // before the confirmation: a refused caller is not asked
  await confirmDeletion(ctx, `client ${id}`);
  const client = await deleteClient(await ctx.db(), actor, id);
  return message(`deleted client ${id} (${client.fullName}, ${client.companyName})`, { deleted: clientJson(client) });
};
