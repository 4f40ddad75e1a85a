import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { message } from '../../output/view';
import { parseEmail } from '../../validation/parse';
import { promptValidator } from '../shared/flags';
import { type LoginInput } from './input';

export const run: RunFunction<LoginInput> = async (ctx, { email: given, passwordStdin, printToken }) => {
  const email = given ?? parseEmail((await ctx.prompter.ask([{ flag: '--email', message: 'Email', validate: promptValidator((v) => parseEmail(v)) }]))['--email']);
  const password = passwordStdin
    ? (await readStdinLines(1, ctx.stdin))[0]
    : (await ctx.prompter.ask([{ flag: '--password-stdin', message: 'Password', secret: true }]))['--password-stdin'];

  // --print-token, for scripts and CI: the access token alone (use it as EPICEVENTS_TOKEN); nothing is stored.
  const session = await (await ctx.backend()).session.login(email, password, { keep: !printToken });
  if (printToken) {
    return {
      json: { accessToken: session.accessToken, expiresAt: session.accessExpiresAt.toISOString() },
      human: { kind: 'text', text: session.accessToken },
    };
  }
  const unread = session.unreadNotifications ?? 0;
  if (unread > 0) ctx.output.note(`${unread} unread notification${unread === 1 ? '' : 's'}: epicevents notification list --unread`);
  if (session.actor.mustChangePassword) ctx.output.warn('your password must be changed now: run `epicevents password change`');
  const { actor, credentialStore } = session;
  return message(
    `logged in as ${actor.firstName} ${actor.lastName} <${actor.email}> (${actor.role}); session kept in the ${credentialStore === 'keychain' ? 'OS keychain' : 'credentials file'}`,
    {
      id: actor.id,
      email: actor.email,
      firstName: actor.firstName,
      lastName: actor.lastName,
      role: actor.role,
      tokenExpiresAt: session.accessExpiresAt.toISOString(),
      credentialStore: credentialStore ?? null,
    },
  );
};
