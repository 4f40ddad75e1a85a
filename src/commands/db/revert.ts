import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';

export const run: RunFunction = async (ctx) => {
  const db = await ctx.rawDb();
  const reverted = await db.revert();
  return message(reverted ? `reverted ${reverted}` : 'nothing to revert: the schema is empty', { reverted: reverted ?? null });
};
