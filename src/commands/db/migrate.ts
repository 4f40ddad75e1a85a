import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';

export const run: RunFunction = async (ctx) => {
  const db = await ctx.rawDb();
  const applied = await db.migrate();
  const text = applied.length === 0 ? `${db.description}: schema already up to date` : `${db.description}: applied ${applied.join(', ')}`;
  return message(text, { applied });
};
