import { type RunFunction } from '../../cli/command-spec';
import { clientResult } from './client-view';
import { type ClientUpdateInput } from './input';

export const run: RunFunction<ClientUpdateInput> = async (ctx, { id, changes }) =>
  clientResult(await (await ctx.backend()).clients.update(id, changes), `updated client ${id}`);
