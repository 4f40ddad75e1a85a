import { type RunFunction } from '../../cli/command-spec';
import { missingFlags, readStdinLines } from '../../cli/prompter';
import { message } from '../../output/view';
import { parseEmail } from '../../validation/parse';
import { flagString, promptValidator } from '../shared/flags';

export const run: RunFunction = async (ctx, { options }) => {
  let email = flagString(options, 'email');
  if (!ctx.prompter.interactive && (email === undefined || !options.passwordStdin)) {
    const flags = [...(email === undefined ? ['--email'] : []), ...(options.passwordStdin ? [] : ['--password-stdin'])];
    throw missingFlags(flags);
  }
  if (email === undefined) {
    email = (await ctx.prompter.ask([{ flag: '--email', message: 'Email', validate: promptValidator((v) => parseEmail(v)) }]))['--email'];
  }
  email = parseEmail(email);
  const password = options.passwordStdin
    ? (await readStdinLines(1, ctx.stdin))[0]
    : (await ctx.prompter.ask([{ flag: '--password-stdin', message: 'Password', secret: true }]))['--password-stdin'];

  // --print-token, for scripts and CI: the access token alone (use it as EPICEVENTS_TOKEN); nothing is stored.
  const session = await (await ctx.backend()).session.login(email, password, { keep: !options.printToken });
  if (options.printToken) {
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
