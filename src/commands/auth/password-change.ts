import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { passwordPolicyError } from '../../validation/password-policy';
import { usageError } from '../../errors/cli-error';
import { message } from '../../output/view';

export const run: RunFunction = async (ctx, { options }) => {
  // --password-stdin as everywhere else; --stdin, its earlier name, still works.
  const fromStdin = options.passwordStdin === true || options.stdin === true;
  if (!fromStdin && !ctx.prompter.interactive) {
    throw usageError('missing --password-stdin', 'pipe the current and the new password, one per line, when not running on a terminal');
  }
  const [current, next] = fromStdin
    ? await readStdinLines(2, ctx.stdin)
    : [
        (await ctx.prompter.ask([{ flag: '--password-stdin', message: 'Current password', secret: true }]))['--password-stdin'],
        await ctx.prompter.newPassword('New password (at least 12 characters)', (v) => passwordPolicyError(v)),
      ];
  await (await ctx.backend()).session.changePassword(current, next);
  return message('password changed; other sessions of this account were ended', { changed: true });
};
