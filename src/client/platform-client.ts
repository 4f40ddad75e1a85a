import fs from 'node:fs';
import path from 'node:path';
import { CredentialStore } from '../auth/credential-store';
import { type Config, ensurePrivateDir, readRegularFile, writePrivateFile } from '../config/config';
import { unauthenticated, unavailable } from '../errors/cli-error';
import { stillValid } from './access-token';
import { ServerConnection, type ServerRequest } from './connection';
import { parseServerUrl, type ServerAddress } from './server-url';

/** Beside the employees' sessions, the server `platform login --server` chose, until `platform logout`. */
const PLATFORM_SERVER_FILE = 'platform-server.json';

const NOT_LOGGED_IN = () => unauthenticated('not logged in as a platform operator', 'log in with `epicevents platform login --server URL --email E`');

/**
 * The platform operator's side of the CLI: its own session, kept apart from every employee's (its
 * credential store key is `platform <origin>`, never an employee's `<origin>[ tenant=slug]`), and
 * its own remembered server. Platform logins have no refresh token: when the token expires the
 * operator logs in again.
 */
export class PlatformClient {
  constructor(
    private readonly config: Pick<Config, 'homeDir' | 'keychain'>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly warn: (message: string) => void,
  ) {}

  private store(server: ServerAddress): CredentialStore {
    return new CredentialStore({ homeDir: this.config.homeDir, keychain: this.config.keychain, warn: this.warn, server: `platform ${server.origin}` });
  }

  /** `platform login`: the token is kept for the next platform commands, and the server remembered. */
  async login(serverUrl: string, email: string, password: string): Promise<{ operator: { id: number; email: string; name: string | null }; expiresAt: string; store: string }> {
    const server = parseServerUrl(serverUrl, '--server');
    const answer = await this.withConnection(server, (connection) =>
      connection.json<{ accessToken: string; expiresAt: string; operator: { id: number; email: string; name: string | null } }>({
        method: 'POST',
        path: '/v1/platform/auth/login',
        json: { email, password },
        prompt: true,
      }),
    );
    // No refresh token for a platform login: the entry's is empty.
    const store = await this.store(server).save({ accessToken: answer.accessToken, refreshToken: '' });
    ensurePrivateDir(this.config.homeDir);
    writePrivateFile(path.join(this.config.homeDir, PLATFORM_SERVER_FILE), JSON.stringify({ url: server.origin }));
    return { operator: answer.operator, expiresAt: answer.expiresAt, store };
  }

  /** One request as the logged-in operator: exit 3 when there is no platform login here, or it expired. */
  async request<T>(request: Omit<ServerRequest, 'token'>): Promise<T> {
    const server = this.server();
    if (!server) throw NOT_LOGGED_IN();
    const token = (await this.store(server).load())?.session.accessToken;
    if (!token) throw NOT_LOGGED_IN();
    if (!stillValid(token)) throw unauthenticated('the platform session has expired', 'log in again with `epicevents platform login --server URL --email E`');
    return this.withConnection(server, (connection) => connection.json<T>({ ...request, token }));
  }

  /** Ends the login on the server (when it still counts there), then forgets it here; false when there was none. */
  async logout(): Promise<boolean> {
    const server = this.server();
    if (!server) return false;
    const store = this.store(server);
    const token = (await store.load().catch(() => undefined))?.session.accessToken;
    if (token && stillValid(token)) {
      await this.withConnection(server, (connection) => connection.json({ method: 'POST', path: '/v1/platform/auth/logout', token, prompt: true })).catch((error: unknown) => {
        // Ended already (or expired) on the server: only the local copy is left to forget.
        if ((error as { code?: string }).code !== 'unauthenticated') throw error;
      });
    }
    await store.clear();
    fs.rmSync(path.join(this.config.homeDir, PLATFORM_SERVER_FILE), { force: true });
    return token !== undefined;
  }

  /** The server of the last `platform login`, else EPICEVENTS_SERVER. */
  private server(): ServerAddress | undefined {
    const file = path.join(this.config.homeDir, PLATFORM_SERVER_FILE);
    const read = readRegularFile(file);
    if (read) {
      let url: unknown;
      try {
        url = (JSON.parse(read.content) as { url?: unknown }).url;
      } catch {
        throw unavailable(`${file} is damaged`, `remove it (\`rm ${file}\`) and log in again with \`epicevents platform login --server URL\``);
      }
      if (typeof url === 'string') return parseServerUrl(url, 'the server of `epicevents platform login --server`');
    }
    const fromEnv = this.env.EPICEVENTS_SERVER?.trim();
    return fromEnv ? parseServerUrl(fromEnv, 'EPICEVENTS_SERVER') : undefined;
  }

  private async withConnection<T>(server: ServerAddress, work: (connection: ServerConnection) => Promise<T>): Promise<T> {
    const connection = new ServerConnection(server);
    try {
      return await work(connection);
    } finally {
      connection.close();
    }
  }
}
