import { clientJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { message } from '../../output/view';
import { parseId } from '../../validation/parse';
import { confirmDeletion } from '../shared/confirm-deletion';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'client id');
  await confirmDeletion(ctx, `client ${id}`);
  const client = await (await ctx.backend()).clients.delete(id);
  return message(`deleted client ${id} (${client.fullName}, ${client.companyName})`, { deleted: clientJson(client) });
};
