import { acquireProcessLock, folderLockName } from '../config/process-lock';
import { conflict, unauthenticated, unavailable } from '../errors/cli-error';
import { type CredentialStore, type StoredSession, type StoreKind } from './credential-store';

/** No stored session in this config folder: the same words whichever front end finds it. */
export const notLoggedIn = () => unauthenticated('you are not logged in', 'run `epicevents login`');

/** `init` once an employee exists, found by the database or by the server's answer to GET /v1/init. */
export const alreadyInitialised = () => conflict('epicevents is already initialised', 'log in with `epicevents login`');

/** EPICEVENTS_TOKEN is an access token, which cannot be renewed. */
export const environmentTokenExpired = () => unauthenticated('EPICEVENTS_TOKEN has expired', 'issue a new access token');

/** How long a command waits for another one renewing the same stored session. */
const RENEWAL_LOCK_TIMEOUT_MS = 20_000;

/** How a front end renews its stored session: direct mode on its database, server mode through the API. */
export interface SessionRenewal<T> {
  /** What a stored access token that is still valid says; undefined once it has expired (other faults throw). */
  current(accessToken: string): T | undefined;
  /**
   * Trades the refresh token for a new pair, calls `keep` with it (before the rotation commits,
   * where the front end can) and returns what the new access token says.
   */
  refresh(refreshToken: string, keep: (session: StoredSession) => Promise<void>): Promise<T>;
  /**
   * True when the rotation is committed before `keep` can run (through a server, which answers
   * after its commit): a store that could not take the new pair would leave the login with a spent
   * refresh token. The store is then written first with the pair it holds, so a read-only folder
   * or a full disk fails the command before the refresh token is presented (docs/security.md).
   */
  commitsBeforeKeeping?: boolean;
}

/**
 * Renews an expired access token with the stored refresh token. Two commands started together
 * from this config folder would both present the same refresh token, and the second would look
 * like a stolen copy and end the login; so they renew one at a time, under a lock of the config
 * folder, and one that finds the stored session already renewed by the other uses it as it is.
 */
export async function renewStoredSession<T>(homeDir: string, credentials: CredentialStore, renewal: SessionRenewal<T>): Promise<{ value: T; store: StoreKind }> {
  const lock = await acquireProcessLock(folderLockName('session', homeDir), { timeoutMs: RENEWAL_LOCK_TIMEOUT_MS });
  if (!lock) throw unavailable('another epicevents process is still renewing this session', 'try again in a moment');
  try {
    const stored = await credentials.load();
    if (!stored) throw notLoggedIn();
    const current = renewal.current(stored.session.accessToken);
    if (current !== undefined) return { value: current, store: stored.store };
    if (renewal.commitsBeforeKeeping) await credentials.save(stored.session, stored.store);
    let store = stored.store;
    const value = await renewal.refresh(stored.session.refreshToken, async (session) => {
      store = await credentials.save(session, stored.store);
    });
    return { value, store };
  } finally {
    await lock.release();
  }
}
