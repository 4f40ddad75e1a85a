import { type Config } from '../config/config';
import { acquireProcessLock, folderLockName } from '../config/process-lock';
import { type Database } from '../database/database';
import { unauthenticated, unavailable } from '../errors/cli-error';
import { type Actor } from './actor';
import { CredentialStore, type StoreKind } from './credential-store';
import { jwtSecret } from './jwt-secret';
import { refreshSession, type TokenSettings } from './session.service';
import { callerFromClaims } from './current-actor';
import { ExpiredTokenError, type TokenClaims, verifyToken } from './tokens';

/** What resolving a session needs from the process it runs in (the CLI's command context gives it). */
export interface SessionEnvironment {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  /** A warning for the person at the terminal (a session kept in plain text). */
  warn(message: string): void;
  /** The database, opened on first use. */
  db(): Promise<Database>;
}

export interface AuthenticatedSession {
  actor: Actor;
  familyId: string;
  accessExpiresAt: Date;
  store: StoreKind;
}

export function credentialStoreFor(ctx: SessionEnvironment): CredentialStore {
  return new CredentialStore({ homeDir: ctx.config.homeDir, keychain: ctx.config.keychain, warn: (m) => ctx.warn(m) });
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
      if (error instanceof ExpiredTokenError) throw unauthenticated('EPICEVENTS_TOKEN has expired', 'issue a new access token');
      throw error;
    }
  } else {
    const credentials = credentialStoreFor(ctx);
    const loaded = await credentials.load();
    if (!loaded) throw unauthenticated('you are not logged in', 'run `epicevents login`');
    store = loaded.store;
    try {
      claims = verifyToken(settings.secret, loaded.session.accessToken, 'access');
    } catch (error) {
      if (!(error instanceof ExpiredTokenError)) throw error;
      ({ claims, store } = await renewSession(ctx, credentials, settings));
    }
  }
  const actor = await callerFromClaims(await ctx.db(), claims);
  return { actor, familyId: claims.sid, accessExpiresAt: new Date(claims.exp * 1000), store };
}

/** How long a command waits for another one renewing the same stored session. */
const RENEWAL_LOCK_TIMEOUT_MS = 20_000;

/**
 * Renews an expired access token with the stored refresh token. Two commands started together
 * from this config folder would both present the same refresh token, and the second would look
 * like a stolen copy and end the login; so they renew one at a time, and one that finds the stored
 * session already renewed by the other uses it as it is.
 */
async function renewSession(ctx: SessionEnvironment, credentials: CredentialStore, settings: TokenSettings): Promise<{ claims: TokenClaims; store: StoreKind }> {
  // Opened first: the embedded database has its own lock, always taken before this one.
  const db = await ctx.db();
  const lock = await acquireProcessLock(folderLockName('session', ctx.config.homeDir), { timeoutMs: RENEWAL_LOCK_TIMEOUT_MS });
  if (!lock) throw unavailable('another epicevents process is still renewing this session', 'try again in a moment');
  try {
    const current = await credentials.load();
    if (!current) throw unauthenticated('you are not logged in', 'run `epicevents login`');
    try {
      return { claims: verifyToken(settings.secret, current.session.accessToken, 'access'), store: current.store };
    } catch (error) {
      if (!(error instanceof ExpiredTokenError)) throw error;
    }
    const issuedAt = new Date();
    let store = current.store;
    // Saved before the rotation commits: a save that fails leaves the stored token valid (see refreshSession).
    const refreshed = await refreshSession(db, current.session.refreshToken, settings, issuedAt, async (session) => {
      store = await credentials.save({ accessToken: session.access.token, refreshToken: session.refresh.token }, current.store);
    });
    // Checked as of issuance: with a very short TTL it may already have expired again, and the
    // employee is re-read anyway.
    return { claims: verifyToken(settings.secret, refreshed.access.token, 'access', issuedAt), store };
  } finally {
    await lock.release();
  }
}
