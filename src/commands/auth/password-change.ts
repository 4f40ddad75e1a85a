import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { passwordPolicyError } from '../../validation/password-policy';
import { message } from '../../output/view';

export const run: RunFunction<{ fromStdin: boolean }> = async (ctx, { fromStdin }) => {
  const [current, next] = fromStdin
    ? await readStdinLines(2, ctx.stdin)
    : [
        (await ctx.prompter.ask([{ flag: '--password-stdin', message: 'Current password', secret: true }]))['--password-stdin'],
        await ctx.prompter.newPassword('New password (at least 12 characters)', (v) => passwordPolicyError(v)),
      ];
  await (await ctx.backend()).session.changePassword(current, next);
  return message('password changed; other sessions of this account were ended', { changed: true });
};
