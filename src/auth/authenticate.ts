import { type Config } from '../config/config';
import { type Database } from '../database/database';
import { type Actor } from './actor';
import { CredentialStore, directSessionKey, type StoreKind } from './credential-store';
import { jwtSecret } from './jwt-secret';
import { environmentTokenExpired, notLoggedIn, renewStoredSession } from './session-renewal';
import { refreshSession, type TokenSettings } from './session.service';
import { callerFromRow, schemaHasTenantStanding, withCaller } from './current-actor';
import { StartQuery } from '../database/start-query';
import { announceUpcomingEvents, withUpcomingEvents } from '../services/notification.service';
import { ExpiredTokenError, type TokenClaims, verifyToken } from './tokens';

/** What resolving a session needs from the process it runs in (the CLI's command context gives it). */
export interface SessionEnvironment {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  /** A warning for the person at the terminal (a session kept in plain text). */
  warn(message: string): void;
  /**
   * The database, opened on first use; `start`'s columns are then read with its schema check
   * (`Database.startRow` returns them either way).
   */
  db(start?: StartQuery): Promise<Database>;
}

export interface AuthenticatedSession {
  actor: Actor;
  familyId: string;
  accessExpiresAt: Date;
  store: StoreKind;
}

export function credentialStoreFor(ctx: SessionEnvironment): CredentialStore {
  return new CredentialStore({ homeDir: ctx.config.homeDir, keychain: ctx.config.keychain, warn: (m) => ctx.warn(m), server: directSessionKey(ctx.config.tenant) });
}

export function tokenSettings(ctx: Pick<SessionEnvironment, 'config' | 'env'>): TokenSettings {
  return {
    secret: jwtSecret(ctx.config, ctx.env),
    accessTtlSeconds: ctx.config.accessTtlSeconds,
    refreshTtlSeconds: ctx.config.refreshTtlSeconds,
  };
}

/**
 * The employee behind the command: from EPICEVENTS_TOKEN or the stored session (refreshed
 * transparently when the access token expired), re-read from the database so the current role
 * and active flag count, and the login checked against server-side revocation. Exit 3 otherwise.
 */
export async function resolveSession(ctx: SessionEnvironment): Promise<AuthenticatedSession> {
  const settings = tokenSettings(ctx);
  let claims: TokenClaims;
  let store: StoreKind;
  if (ctx.config.envToken) {
    store = 'environment';
    try {
      claims = verifyToken(settings.secret, ctx.config.envToken, 'access');
    } catch (error) {
      if (error instanceof ExpiredTokenError) throw environmentTokenExpired();
      throw error;
    }
  } else {
    const credentials = credentialStoreFor(ctx);
    const loaded = await credentials.load();
    if (!loaded) throw notLoggedIn();
    store = loaded.store;
    try {
      claims = verifyToken(settings.secret, loaded.session.accessToken, 'access');
    } catch (error) {
      if (!(error instanceof ExpiredTokenError)) throw error;
      ({ claims, store } = await renewSession(ctx, credentials, settings));
    }
  }
  // One round trip: the schema check, the caller re-read and the reminders now due. The
  // notifications of events starting soon are due whenever somebody works.
  const startFor = (tenant: boolean) => withUpcomingEvents(withCaller(new StartQuery(), claims, { tenant }), new Date());
  const start = startFor(true);
  const db = await ctx.db(start);
  // A database opened as it is (`db revert`) may be older than the tenant's standing: the caller
  // is then read without it (and nothing of a plan or a lifecycle is enforced on such a schema).
  const row = await db.startRow(db.schemaChecked || (await schemaHasTenantStanding(db)) ? start : startFor(false));
  const actor = callerFromRow(row);
  await announceUpcomingEvents(db, row.upcoming as number[]);
  return { actor, familyId: claims.sid, accessExpiresAt: new Date(claims.exp * 1000), store };
}

/**
 * Renews an expired access token on this process's database, under the config folder's renewal
 * lock (`renewStoredSession`, which server mode shares).
 */
async function renewSession(ctx: SessionEnvironment, credentials: CredentialStore, settings: TokenSettings): Promise<{ claims: TokenClaims; store: StoreKind }> {
  // Opened first: the embedded database has its own lock, always taken before the renewal lock.
  const db = await ctx.db();
  const { value: claims, store } = await renewStoredSession(ctx.config.homeDir, credentials, {
    current: (accessToken) => {
      try {
        return verifyToken(settings.secret, accessToken, 'access');
      } catch (error) {
        if (error instanceof ExpiredTokenError) return undefined;
        throw error;
      }
    },
    refresh: async (refreshToken, keep) => {
      const issuedAt = new Date();
      // Saved before the rotation commits: a save that fails leaves the stored token valid (see refreshSession).
      const refreshed = await refreshSession(db, refreshToken, settings, issuedAt, (session) =>
        keep({ accessToken: session.access.token, refreshToken: session.refresh.token }),
      );
      // Checked as of issuance: with a very short TTL it may already have expired again, and the
      // employee is re-read anyway.
      return verifyToken(settings.secret, refreshed.access.token, 'access', issuedAt);
    },
  });
  return { claims, store };
}
