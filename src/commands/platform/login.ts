import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { message } from '../../output/view';
import { parseEmail } from '../../validation/parse';
import { promptValidator } from '../shared/flags';
import { type PlatformLoginInput } from './input';
import { platformClient } from './platform-client';

export const run: RunFunction<PlatformLoginInput> = async (ctx, input) => {
  const email = input.email ?? parseEmail((await ctx.prompter.ask([{ flag: '--email', message: 'Email', validate: promptValidator((v) => parseEmail(v)) }]))['--email']);
  const password = input.passwordStdin
    ? (await readStdinLines(1, ctx.stdin))[0]
    : (await ctx.prompter.ask([{ flag: '--password-stdin', message: 'Password', secret: true }]))['--password-stdin'];
  const { operator, expiresAt, store } = await platformClient(ctx).login(input.server, email, password);
  return message(`logged in as the platform operator ${operator.email} until ${expiresAt}; session kept in the ${store === 'keychain' ? 'OS keychain' : 'credentials file'}`, {
    ...operator,
    tokenExpiresAt: expiresAt,
    credentialStore: store,
  });
};
