import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { passwordPolicyError } from '../../validation/password-policy';
import { usageError } from '../../errors/cli-error';
import { message } from '../../output/view';

export const run: RunFunction = async (ctx, { options }) => {
  if (!options.stdin && !ctx.prompter.interactive) {
    throw usageError('missing --stdin', 'pipe the current and the new password, one per line, when not running on a terminal');
  }
  const [current, next] = options.stdin
    ? await readStdinLines(2, ctx.stdin)
    : [
        (await ctx.prompter.ask([{ flag: '--stdin', message: 'Current password', secret: true }]))['--stdin'],
        await ctx.prompter.newPassword('New password (at least 12 characters)', (v) => passwordPolicyError(v)),
      ];
  await (await ctx.backend()).session.changePassword(current, next);
  return message('password changed; other sessions of this account were ended', { changed: true });
};
