import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, readRegularFile, writePrivateFile } from '../config/config';
import { DEFAULT_TENANT } from '../domain/tenancy';
import { CliError, unauthenticated } from '../errors/cli-error';

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
}

export type StoreKind = 'keychain' | 'file' | 'environment';

export const KEYCHAIN_SERVICE = 'epicevents';
export const KEYCHAIN_TIMEOUT_MS = 3000;
const FILE_NAME = 'credentials.json';

export interface CredentialStoreOptions {
  homeDir: string;
  keychain: 'auto' | 'off';
  warn: (message: string) => void;
  timeoutMs?: number;
  /**
   * The server and tenant the session belongs to (`sessionKey` in server mode, `directSessionKey`
   * in direct mode); undefined for direct mode's session in the tenant `default`.
   */
  server?: string;
}

/** Direct mode keeps one session per tenant too: `default`'s where it always was, another's beside the servers'. */
export function directSessionKey(tenant: string): string | undefined {
  return tenant === DEFAULT_TENANT ? undefined : `direct tenant=${tenant}`;
}

/**
 * What `credentials.json` holds: direct mode's session at the top (as it always was), and the
 * session of each server in server mode under `servers`, by origin.
 */
interface CredentialsFile extends Partial<StoredSession> {
  servers?: Record<string, StoredSession>;
}

/**
 * Where the session lives: the OS keychain through keytar when it loads and answers within 3 s,
 * otherwise `credentials.json` (0600 in a 0700 folder) with a warning. The file, when present,
 * is read first, so a machine without a working keychain pays the timeout only at login. Each
 * server has its own entry, in the keychain as in the file, besides direct mode's.
 */
export class CredentialStore {
  private readonly file: string;
  /** One keychain entry per config folder and server, so separate EPICEVENTS_HOMEs are separate logins. */
  private readonly account: string;

  constructor(private readonly options: CredentialStoreOptions) {
    this.file = path.join(options.homeDir, FILE_NAME);
    this.account = options.server ? `session:${options.homeDir}:${options.server}` : `session:${options.homeDir}`;
  }

  get filePath(): string {
    return this.file;
  }

  async load(): Promise<{ session: StoredSession; store: StoreKind } | undefined> {
    const session = this.entry(this.readFile());
    if (session) return { session, store: 'file' };
    if (!this.keychainEnabled()) return undefined;
    const raw = await this.keychain('get').catch(() => undefined);
    if (typeof raw !== 'string' || raw === '') return undefined;
    return { session: parseSession(raw, 'the keychain entry'), store: 'keychain' };
  }

  /** Saves to the keychain, or to the file with a plain-text warning; returns where it went. */
  async save(session: StoredSession, preferred?: StoreKind): Promise<StoreKind> {
    if (preferred !== 'file' && this.keychainEnabled()) {
      const saved = await this.keychain('set', JSON.stringify(session)).then(
        () => true,
        () => false,
      );
      if (saved) {
        this.writeEntry(undefined);
        return 'keychain';
      }
    }
    ensurePrivateDir(this.options.homeDir);
    this.writeEntry(session);
    if (preferred !== 'file') {
      const why = this.options.keychain === 'off' ? 'EPICEVENTS_KEYCHAIN=off' : 'no OS keychain available';
      this.options.warn(`${why}: credentials are stored in plain text in ${this.file}`);
    }
    return 'file';
  }

  async clear(): Promise<void> {
    this.writeEntry(undefined);
    if (this.keychainEnabled()) await this.keychain('delete').catch(() => undefined);
  }

  /** This store's session in the file's content, if it has one. */
  private entry(content: CredentialsFile | undefined): StoredSession | undefined {
    if (!content) return undefined;
    const entry = this.options.server ? content.servers?.[this.options.server] : content;
    if (entry?.accessToken === undefined && entry?.refreshToken === undefined) return undefined;
    return parseSession(JSON.stringify(entry), this.file);
  }

  /**
   * Sets (or, with undefined, removes) this store's entry and keeps the others; the file goes when
   * nothing is left in it. Always one atomic write of the whole file.
   */
  private writeEntry(session: StoredSession | undefined): void {
    const content: CredentialsFile = this.readFileLeniently() ?? {};
    if (this.options.server) {
      const servers = { ...content.servers };
      if (session) servers[this.options.server] = session;
      else delete servers[this.options.server];
      content.servers = Object.keys(servers).length > 0 ? servers : undefined;
    } else {
      content.accessToken = session?.accessToken;
      content.refreshToken = session?.refreshToken;
    }
    const kept = JSON.parse(JSON.stringify(content)) as CredentialsFile;
    if (Object.keys(kept).length === 0) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    writePrivateFile(this.file, JSON.stringify(kept));
  }

  /** The other entries worth keeping: a damaged or untrusted file has none (it is replaced). */
  private readFileLeniently(): CredentialsFile | undefined {
    try {
      return this.readFile();
    } catch {
      return undefined;
    }
  }

  private readFile(): CredentialsFile | undefined {
    let read: ReturnType<typeof readRegularFile>;
    try {
      read = readRegularFile(this.file);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw unauthenticated(`${this.file} cannot be read`, 'log in again with `epicevents login`');
    }
    if (!read) return undefined;
    if ((read.mode & 0o077) !== 0) {
      throw unauthenticated(
        `${this.file} is readable by other users, so it is not trusted`,
        'delete it and log in again with `epicevents login` (it is created with mode 0600)',
      );
    }
    try {
      const content = JSON.parse(read.content) as unknown;
      if (content !== null && typeof content === 'object' && !Array.isArray(content)) return content as CredentialsFile;
    } catch {
      // reported below
    }
    throw corrupted(this.file);
  }

  /** keytar is an optional dependency: resolving it is cheap and loads nothing. */
  private keychainEnabled(): boolean {
    if (this.options.keychain === 'off') return false;
    try {
      require.resolve('keytar');
      return true;
    } catch {
      return false;
    }
  }

  /** One keytar call in a child process, killed after the timeout (see keychain-process.ts). */
  private keychain(operation: 'get' | 'set' | 'delete', secret?: string): Promise<unknown> {
    const ms = this.options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      // Loaded here, not at the top: only keychain calls spawn, and child_process costs a few ms to load.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { execFile } = require('node:child_process') as typeof import('node:child_process');
      const child = execFile(
        process.execPath,
        [path.join(__dirname, 'keychain-process.js'), operation, KEYCHAIN_SERVICE, this.account],
        { timeout: ms, killSignal: 'SIGKILL' },
        (failure, stdout) => {
          if (failure) return reject(new Error(`the keychain did not answer: ${failure.message.split('\n')[0]}`));
          try {
            resolve((JSON.parse(stdout) as { value: unknown }).value);
          } catch (error) {
            reject(error as Error);
          }
        },
      );
      child.stdin?.end(secret ?? '');
    });
  }
}

function parseSession(raw: string, where: string): StoredSession {
  try {
    const value = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof value.accessToken === 'string' && typeof value.refreshToken === 'string') {
      return { accessToken: value.accessToken, refreshToken: value.refreshToken };
    }
  } catch {
    // fall through to the error below
  }
  throw corrupted(where);
}

const corrupted = (where: string) => unauthenticated(`the stored session in ${where} is corrupted`, 'log in again with `epicevents login`');
