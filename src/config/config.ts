import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { MAX_ACCESS_TTL, MAX_REFRESH_TTL, parseDuration } from './duration';
import { unavailable } from '../errors/cli-error';

export interface Config {
  databaseUrl?: string;
  homeDir: string;
  dataDir: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  keychain: 'auto' | 'off';
  envToken?: string;
  sentryDsn?: string;
  debug: boolean;
}

let envLoaded = false;

/** Reads `.env` from the working directory once; real environment variables win. */
export function loadDotEnv(): void {
  if (envLoaded) return;
  envLoaded = true;
  const file = path.join(process.cwd(), '.env');
  if (!fs.existsSync(file)) return;
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const [, key, raw] = match;
    const value = raw.replace(/^(['"])(.*)\1$/, '$2');
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

/** The config folder: $EPICEVENTS_HOME, else $XDG_CONFIG_HOME/epicevents, else ~/.config/epicevents. */
export function configHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EPICEVENTS_HOME) return path.resolve(env.EPICEVENTS_HOME);
  const xdg = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(xdg, 'epicevents');
}

/** The embedded database folder: $EPICEVENTS_HOME/data, else the XDG data folder. */
export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EPICEVENTS_HOME) return path.join(path.resolve(env.EPICEVENTS_HOME), 'data');
  const xdg = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'epicevents', 'data');
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw unavailable('DATABASE_URL must start with postgres:// or postgresql://', 'fix DATABASE_URL in the environment or .env');
  }
  if (databaseUrl && !wellFormedUrl(databaseUrl)) {
    // The value itself is never echoed: it may hold a password.
    throw unavailable(
      'DATABASE_URL is not a valid URL: expected postgres://user:password@host:port/database (special characters in the password percent-encoded)',
      'fix DATABASE_URL in the environment or .env',
    );
  }
  const keychain = (env.EPICEVENTS_KEYCHAIN ?? 'auto').toLowerCase();
  if (keychain !== 'auto' && keychain !== 'off' && keychain !== 'on') {
    throw unavailable(`EPICEVENTS_KEYCHAIN must be "off" or unset (got "${env.EPICEVENTS_KEYCHAIN}")`);
  }
  return {
    databaseUrl,
    homeDir: configHome(env),
    dataDir: dataHome(env),
    accessTtlSeconds: durationSetting(env, 'EPICEVENTS_ACCESS_TTL', '15m', MAX_ACCESS_TTL),
    refreshTtlSeconds: durationSetting(env, 'EPICEVENTS_REFRESH_TTL', '7d', MAX_REFRESH_TTL),
    keychain: keychain === 'off' ? 'off' : 'auto',
    envToken: env.EPICEVENTS_TOKEN?.trim() || undefined,
    sentryDsn: env.SENTRY_DSN?.trim() || undefined,
    debug: env.EPICEVENTS_DEBUG === '1',
  };
}

/** What the driver will parse without throwing: a URL with a valid port and percent-encoding. */
function wellFormedUrl(text: string): boolean {
  try {
    const url = new URL(text);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    decodeURIComponent(url.pathname);
    return true;
  } catch {
    return false;
  }
}

function durationSetting(env: NodeJS.ProcessEnv, name: string, fallback: string, max: string): number {
  try {
    return parseDuration(env[name] ?? fallback, name, max);
  } catch (error) {
    throw unavailable((error as Error).message, `fix ${name} in the environment or .env`);
  }
}

/** Creates the config folder with owner-only permissions (0700). */
export function ensurePrivateDir(dir: string): void {
  inOwnFolder(() => {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  });
}

const FILE_SYSTEM_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is in the way',
};

/**
 * Runs a file-system step in the config or data folder. A failure there (permissions, a read-only
 * or full disk, a file where a folder should be) comes from the machine's setup, not from a bug:
 * exit 7 naming the path, instead of an "unexpected error".
 */
export function inOwnFolder<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    const { code, path: where } = error as NodeJS.ErrnoException;
    const reason = code ? FILE_SYSTEM_REASONS[code] : undefined;
    if (!reason || !where) throw error;
    throw unavailable(`cannot use ${where}: ${reason}`, 'check that folder (owner, permissions, space), or set EPICEVENTS_HOME to a folder of yours');
  }
}
