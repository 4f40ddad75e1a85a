import { initPlatformOperator } from '../../auth/platform-session.service';
import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { message } from '../../output/view';
import { parseEmail } from '../../validation/parse';
import { passwordPolicyError } from '../../validation/password-policy';
import { promptValidator } from '../shared/flags';
import { type PlatformInitInput } from './input';

/** The first platform operator, on the database itself (the server's machine). */
export const run: RunFunction<PlatformInitInput> = async (ctx, input) => {
  const email = input.email ?? parseEmail((await ctx.prompter.ask([{ flag: '--email', message: 'Email (used to log in)', validate: promptValidator((v) => parseEmail(v)) }]))['--email']);
  const password = input.passwordStdin
    ? (await readStdinLines(1, ctx.stdin))[0]
    : await ctx.prompter.newPassword('Password (at least 12 characters)', (v) => passwordPolicyError(v));
  const operator = await initPlatformOperator(await ctx.db(), { email, name: input.name, password });
  return message(`created the platform operator ${operator.email}; next: epicevents platform login --server URL --email ${operator.email}`, {
    id: operator.id,
    email: operator.email,
    name: operator.name,
    createdAt: operator.createdAt.toISOString(),
  });
};
