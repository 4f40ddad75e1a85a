import { type Actor, assertNoPasswordChangeDue, type TenantStanding } from '../auth/actor';
import { CredentialStore, directSessionKey, type StoreKind } from '../auth/credential-store';
import { alreadyInitialised, environmentTokenExpired, notLoggedIn, renewStoredSession } from '../auth/session-renewal';
import { stillValid } from '../client/access-token';
import { type ServerConnection } from '../client/connection';
import { forgetServer, rememberServer, type ServerChoice, sessionKey } from '../client/server-choice';
import { type Config } from '../config/config';
import { CliError } from '../errors/cli-error';
import { type Caller, type CallerOptions, type LoginResult, type SessionApi } from './backend';

/** What the API says of a login or a renewal (POST /v1/auth/login, /v1/auth/refresh). */
interface SessionBody {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: string;
  employee: Actor;
  unreadNotifications: number;
}

interface WhoamiBody extends Actor {
  tenant: string;
  tenantStanding?: TenantStanding;
  tokenExpiresAt: string;
  unreadNotifications: number;
}

export interface HttpSessionEnvironment {
  server: ServerChoice;
  /** Read without the database settings: server mode has none. */
  config: Config;
  warn(message: string): void;
}

/**
 * The session in server mode: the tokens this machine holds for the server (EPICEVENTS_TOKEN, or
 * the stored login of that server), renewed through POST /v1/auth/refresh under the same config
 * folder lock as direct mode, and the caller as the server says now (GET /v1/auth/whoami).
 */
export class HttpSession implements SessionApi {
  private readonly credentials: CredentialStore;
  private token?: Promise<{ accessToken: string; store: StoreKind }>;
  private resolved?: Promise<{ caller: Caller; unread: number }>;

  constructor(
    private readonly connection: ServerConnection,
    private readonly environment: HttpSessionEnvironment,
  ) {
    const { config, server } = environment;
    this.credentials = new CredentialStore({
      homeDir: config.homeDir,
      keychain: config.keychain,
      warn: (message) => environment.warn(message),
      // The embedded database's own server keeps direct mode's session: same database, same key.
      server: server.source === 'embedded' ? directSessionKey(server.tenant) : sessionKey(server),
    });
  }

  /** The access token every request of this command sends, renewed first when it has expired. */
  async accessToken(): Promise<string> {
    return (await this.loadTokenOnce()).accessToken;
  }

  /** A tenant out of service is the server's to refuse: every request of the command is, but whoami's, logout's and tenant show's. */
  caller = async ({ allowPendingPasswordChange }: CallerOptions): Promise<Caller> => {
    const { caller } = await this.whoami();
    if (!allowPendingPasswordChange) assertNoPasswordChangeDue(caller.actor);
    return caller;
  };

  login = async (email: string, password: string, { keep }: { keep: boolean }): Promise<LoginResult> => {
    const { tenant } = this.environment.server;
    const session = await this.connection.json<SessionBody>({ method: 'POST', path: '/v1/auth/login', json: { email, password, tenant }, prompt: true });
    const result = { actor: toActor(session.employee), accessToken: session.accessToken, accessExpiresAt: new Date(session.accessExpiresAt) };
    if (!keep) return result;
    const credentialStore = await this.credentials.save({ accessToken: session.accessToken, refreshToken: session.refreshToken });
    const { server, config } = this.environment;
    if (server.source === 'login') rememberServer(config.homeDir, server.address.origin, server.tenant);
    return { ...result, credentialStore, unreadNotifications: session.unreadNotifications };
  };

  /**
   * Ends the login on the server, then forgets it here (and the server `login --server` chose). A
   * stored login whose access token expired is renewed first: the server ends a login by its
   * access token. One the server has ended already only needs forgetting.
   */
  logout = async (): Promise<boolean> => {
    const { config } = this.environment;
    const stored = config.envToken ? undefined : await this.credentials.load().catch(() => undefined);
    if (!config.envToken && !stored) {
      await this.forget();
      return false;
    }
    try {
      await this.connection.send({ method: 'POST', path: '/v1/auth/logout', token: await this.accessToken(), prompt: true }).then((response) => response.resume());
    } catch (error) {
      if (!(error instanceof CliError && error.code === 'unauthenticated')) throw error;
    }
    if (!config.envToken) await this.forget();
    return true;
  };

  changePassword = async (current: string, next: string): Promise<void> => {
    await this.connection.json({ method: 'POST', path: '/v1/auth/password', token: await this.accessToken(), json: { currentPassword: current, newPassword: next } });
  };

  unreadNotifications = async (): Promise<number> => (await this.whoami()).unread;

  /** Nothing to prepare here: the server's database is its administrator's (`epicevents db migrate` there). */
  prepareInit = async (): Promise<string | undefined> => undefined;

  /** Asked before any question: POST /v1/init would refuse (409) anyway, but only once the person has answered them all. */
  assertNotInitialised = async (): Promise<void> => {
    const { initialised } = await this.connection.json<{ initialised: boolean }>({ method: 'GET', path: '/v1/init', prompt: true });
    if (initialised) throw alreadyInitialised();
  };

  createFirstManager = async (input: { firstName: string; lastName: string; email: string; password: string }): Promise<Actor> =>
    toActor(await this.connection.json<Actor>({ method: 'POST', path: '/v1/init', json: input, prompt: true }));

  private whoami(): Promise<{ caller: Caller; unread: number }> {
    this.resolved ??= (async () => {
      const token = await this.loadTokenOnce();
      const body = await this.connection.json<WhoamiBody>({ method: 'GET', path: '/v1/auth/whoami', token: token.accessToken, prompt: true });
      const caller: Caller = {
        // With the tenant's standing, the runner refuses an action of a module the plan lacks before any request of it.
        actor: body.tenantStanding ? { ...toActor(body), tenantStanding: body.tenantStanding } : toActor(body),
        tenant: body.tenant,
        tokenExpiresAt: new Date(body.tokenExpiresAt),
        credentialStore: token.store,
        server: this.environment.server.address.origin,
      };
      return { caller, unread: body.unreadNotifications };
    })();
    return this.resolved;
  }

  private loadTokenOnce(): Promise<{ accessToken: string; store: StoreKind }> {
    this.token ??= this.loadToken();
    return this.token;
  }

  private async loadToken(): Promise<{ accessToken: string; store: StoreKind }> {
    const { envToken, homeDir } = this.environment.config;
    if (envToken) {
      if (!stillValid(envToken)) throw environmentTokenExpired();
      return { accessToken: envToken, store: 'environment' };
    }
    const stored = await this.credentials.load();
    if (!stored) throw notLoggedIn();
    if (stillValid(stored.session.accessToken)) return { accessToken: stored.session.accessToken, store: stored.store };
    const { value, store } = await renewStoredSession(homeDir, this.credentials, {
      current: (accessToken) => (stillValid(accessToken) ? accessToken : undefined),
      commitsBeforeKeeping: true,
      refresh: async (refreshToken, keep) => {
        const renewed = await this.connection.json<SessionBody>({ method: 'POST', path: '/v1/auth/refresh', json: { refreshToken }, prompt: true });
        await keep({ accessToken: renewed.accessToken, refreshToken: renewed.refreshToken });
        return renewed.accessToken;
      },
    });
    return { accessToken: value, store };
  }

  private async forget(): Promise<void> {
    await this.credentials.clear();
    const { server, config } = this.environment;
    if (server.source === 'remembered' || server.source === 'login') forgetServer(config.homeDir);
  }
}

/** Only the members of an Actor, whatever else the body holds. */
function toActor(body: Actor): Actor {
  return { id: body.id, role: body.role, email: body.email, firstName: body.firstName, lastName: body.lastName, mustChangePassword: body.mustChangePassword };
}
