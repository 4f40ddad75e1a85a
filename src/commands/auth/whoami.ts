import { type RunFunction } from '../../cli/command-spec';
import { localDateTime } from '../../output/terminal-text';

const STORE_NAMES = { keychain: 'OS keychain', file: 'credentials file (plain text)', environment: 'EPICEVENTS_TOKEN' } as const;

export const run: RunFunction = async (ctx) => {
  const caller = ctx.caller!; // resolved by the runner: the spec asks for a session
  const { actor } = caller;
  const unread = await (await ctx.backend()).session.unreadNotifications();
  if (unread > 0) ctx.output.note(`${unread} unread notification${unread === 1 ? '' : 's'}: epicevents notification list --unread`);
  if (actor.mustChangePassword) ctx.output.warn('your password must be changed now: run `epicevents password change`');
  return {
    json: {
      id: actor.id,
      email: actor.email,
      firstName: actor.firstName,
      lastName: actor.lastName,
      role: actor.role,
      tenant: caller.tenant,
      tokenExpiresAt: caller.tokenExpiresAt.toISOString(),
      credentialStore: caller.credentialStore,
      server: caller.server ?? null,
    },
    human: {
      kind: 'record',
      fields: [
        ['name', `${actor.firstName} ${actor.lastName}`],
        ['email', actor.email],
        ['id', String(actor.id)],
        ['role', actor.role],
        ['tenant', caller.tenant],
        ['token expires', localDateTime(caller.tokenExpiresAt)],
        ['credentials', STORE_NAMES[caller.credentialStore]],
        ['server', caller.server ?? 'none (this machine opens the database)'],
      ],
    },
  };
};
