import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { getClient } from '../../services/client.service';
import { parseId } from '../../validation/parse';
import { clientResult } from './client-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'client id');
  const actor = await requireActor(ctx);
  return clientResult(await getClient(await ctx.db(), actor, id));
};
