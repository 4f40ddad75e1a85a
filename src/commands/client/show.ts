import { type RunFunction } from '../../cli/command-spec';
import { clientResult } from './client-view';
import { type IdInput } from './input';

export const run: RunFunction<IdInput> = async (ctx, { id }) => clientResult(await (await ctx.backend()).clients.show(id));
