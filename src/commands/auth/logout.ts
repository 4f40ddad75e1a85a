import { type RunFunction } from '../../cli/command-spec';
import { credentialStoreFor, tokenSettings } from '../../auth/authenticate';
import { type ActorRow, toActor } from '../../auth/actor';
import { logout } from '../../auth/session.service';
import { verifyToken } from '../../auth/tokens';
import { message } from '../../output/view';

/**
 * Revokes the login server-side (its refresh family), then removes the local copy. The refresh
 * token is the one verified: it stays valid after the short-lived access token has expired.
 */
export const run: RunFunction = async (ctx) => {
  const credentials = credentialStoreFor(ctx);
  const loaded = ctx.config.envToken ? undefined : await credentials.load().catch(() => undefined);
  const token = ctx.config.envToken ?? loaded?.session.refreshToken;
  if (!token) {
    await credentials.clear();
    return message('not logged in; nothing to do', { loggedOut: false });
  }
  const settings = tokenSettings(ctx);
  let familyId: string | undefined;
  try {
    familyId = verifyToken(settings.secret, token, ctx.config.envToken ? 'access' : 'refresh').sid;
  } catch {
    familyId = undefined; // an expired or damaged token: nothing to revoke, only the local copy to remove
  }
  if (familyId) {
    const db = await ctx.db();
    const [row]: ActorRow[] = await db.dataSource.query(
      `SELECT e.id, e.first_name, e.last_name, e.email, e.role, e.is_active, e.must_change_password
         FROM session_families f JOIN employees e ON e.id = f.employee_id WHERE f.id = $1`,
      [familyId],
    );
    const actor = row ? toActor(row) : undefined;
    await logout(db, actor, familyId);
  }
  if (!ctx.config.envToken) await credentials.clear();
  return message('logged out', { loggedOut: true });
};
