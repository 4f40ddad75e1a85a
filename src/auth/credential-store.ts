import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir } from '../config/config';
import { unauthenticated } from '../errors/cli-error';

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
}

export type StoreKind = 'keychain' | 'file' | 'environment';

export const KEYCHAIN_SERVICE = 'epicevents';
export const KEYCHAIN_TIMEOUT_MS = 3000;
const FILE_NAME = 'credentials.json';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface CredentialStoreOptions {
  homeDir: string;
  keychain: 'auto' | 'off';
  warn: (message: string) => void;
  /** For tests: how keytar is loaded. */
  loadKeytar?: () => Keytar;
  timeoutMs?: number;
}

/**
 * Where the session lives: the OS keychain through keytar when it loads and answers within 3 s,
 * otherwise `credentials.json` (0600 in a 0700 folder) with a warning. The file, when present,
 * is read first, so a machine without a working keychain pays the timeout only at login.
 */
export class CredentialStore {
  private readonly file: string;
  /** One keychain entry per config folder, so separate EPICEVENTS_HOMEs are separate logins. */
  private readonly account: string;

  constructor(private readonly options: CredentialStoreOptions) {
    this.file = path.join(options.homeDir, FILE_NAME);
    this.account = `session:${options.homeDir}`;
  }

  get filePath(): string {
    return this.file;
  }

  async load(): Promise<{ session: StoredSession; store: StoreKind } | undefined> {
    if (fs.existsSync(this.file)) return { session: this.readFile(), store: 'file' };
    const keytar = this.keytar();
    if (!keytar) return undefined;
    const raw = await this.bounded(keytar.getPassword(KEYCHAIN_SERVICE, this.account)).catch(() => undefined);
    if (!raw) return undefined;
    return { session: parseSession(raw, 'the keychain entry'), store: 'keychain' };
  }

  /** Saves to the keychain, or to the file with a plain-text warning; returns where it went. */
  async save(session: StoredSession, preferred?: StoreKind): Promise<StoreKind> {
    const keytar = preferred === 'file' ? undefined : this.keytar();
    if (keytar) {
      const saved = await this.bounded(keytar.setPassword(KEYCHAIN_SERVICE, this.account, JSON.stringify(session))).then(
        () => true,
        () => false,
      );
      if (saved) {
        fs.rmSync(this.file, { force: true });
        return 'keychain';
      }
    }
    ensurePrivateDir(this.options.homeDir);
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(session), { mode: 0o600 });
    fs.renameSync(temporary, this.file);
    if (preferred !== 'file') this.options.warn(`no OS keychain available: credentials are stored in plain text in ${this.file}`);
    return 'file';
  }

  async clear(): Promise<void> {
    fs.rmSync(this.file, { force: true });
    const keytar = this.keytar();
    if (keytar) await this.bounded(keytar.deletePassword(KEYCHAIN_SERVICE, this.account)).catch(() => undefined);
  }

  private readFile(): StoredSession {
    const stat = fs.statSync(this.file);
    if ((stat.mode & 0o077) !== 0) {
      throw unauthenticated(
        `${this.file} is readable by other users, so it is not trusted`,
        'delete it and log in again with `epicevents login` (it is created with mode 0600)',
      );
    }
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch {
      throw unauthenticated(`${this.file} cannot be read`, 'log in again with `epicevents login`');
    }
    return parseSession(raw, this.file);
  }

  private keytarModule?: Keytar | null;
  private keytar(): Keytar | undefined {
    if (this.options.keychain === 'off') return undefined;
    if (this.keytarModule === undefined) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        this.keytarModule = this.options.loadKeytar ? this.options.loadKeytar() : (require('keytar') as Keytar);
      } catch {
        this.keytarModule = null; // not installed (optional dependency) or no libsecret
      }
    }
    return this.keytarModule ?? undefined;
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    const ms = this.options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the keychain did not answer within ${ms} ms`)), ms);
      timer.unref();
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
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
  throw unauthenticated(`the stored session in ${where} is corrupted`, 'log in again with `epicevents login`');
}
