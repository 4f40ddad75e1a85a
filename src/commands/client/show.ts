import { type RunFunction } from '../../cli/command-spec';

import { parseId } from '../../validation/parse';
import { clientResult } from './client-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'client id');
  return clientResult(await (await ctx.backend()).clients.show(id));
};
