import { type RunFunction } from '../../cli/command-spec';
import { authenticate } from '../../auth/authenticate';
import { countUnread } from '../../services/notification.service';
import { localDateTime } from '../../output/terminal-text';

const STORE_NAMES = { keychain: 'OS keychain', file: 'credentials file (plain text)', environment: 'EPICEVENTS_TOKEN' } as const;

export const run: RunFunction = async (ctx) => {
  const session = await authenticate(ctx, { allowPendingPasswordChange: true });
  const { actor } = session;
  const unread = await countUnread((await ctx.db()).dataSource.manager, actor.id);
  if (unread > 0) ctx.output.note(`${unread} unread notification${unread === 1 ? '' : 's'}: epicevents notification list --unread`);
  if (actor.mustChangePassword) ctx.output.warn('your password must be changed now: run `epicevents password change`');
  return {
    json: {
      id: actor.id,
      email: actor.email,
      firstName: actor.firstName,
      lastName: actor.lastName,
      role: actor.role,
      tokenExpiresAt: session.accessExpiresAt.toISOString(),
      credentialStore: session.store,
    },
    human: {
      kind: 'record',
      fields: [
        ['name', `${actor.firstName} ${actor.lastName}`],
        ['email', actor.email],
        ['id', String(actor.id)],
        ['role', actor.role],
        ['token expires', localDateTime(session.accessExpiresAt)],
        ['credentials', STORE_NAMES[session.store]],
      ],
    },
  };
};
