import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { durationSeconds, MAX_ACCESS_TTL, MAX_KEEP_OPEN_SECONDS, MAX_REFRESH_TTL, parseDuration } from './duration';
import { type CliError, unavailable } from '../errors/cli-error';
import { DEFAULT_TENANT, isTenantSlug, TENANT_SLUG_RULE } from '../domain/tenancy';

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
  /** Connections `serve` keeps to a PostgreSQL server (EPICEVENTS_DB_POOL). */
  dbPoolSize: number;
  /**
   * `serve` reaches PostgreSQL through a pooler in transaction mode, such as PgBouncer
   * (EPICEVENTS_DB_POOLER=transaction): consecutive transactions of one connection may run on
   * different server sessions, so nothing may outlive a transaction there.
   */
  transactionPooler: boolean;
  /** The tenant (its slug) of direct mode and the embedded database: EPICEVENTS_TENANT, else `default`. */
  tenant: string;
  /**
   * How long a kept-open process keeps the embedded database open after a command (0: never), and
   * whether for every command or only those run at a terminal: EPICEVENTS_KEEP_OPEN.
   */
  keepOpen: { seconds: number; atTerminalOnly: boolean };
}

/**
 * PostgreSQL cancels a statement of `serve`'s that runs longer (HTTP 503): the server sets it on
 * its connections, and `db roles --print` on the application role, for a server behind a pooler.
 */
export const SERVER_STATEMENT_TIMEOUT_MS = 30_000;

let envLoaded = false;

/** Reads `.env` from the working directory once; real environment variables win. */
export function loadDotEnv(): void {
  if (envLoaded) return;
  envLoaded = true;
  const file = path.join(process.cwd(), '.env');
  const dotEnv = readRegularFile(file);
  if (!dotEnv) return;
  for (const line of dotEnv.content.split(/\r?\n/)) {
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

/**
 * The embedded database folder: $EPICEVENTS_DATA_DIR, else $XDG_DATA_HOME/epicevents/data, else
 * ~/.local/share/epicevents/data. Not under EPICEVENTS_HOME: a second person who sets it to keep
 * their own session must still find the same database.
 */
export function dataHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EPICEVENTS_DATA_DIR) return path.resolve(env.EPICEVENTS_DATA_DIR);
  const xdg = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(xdg, 'epicevents', 'data');
}

/** An embedded database where versions before EPICEVENTS_DATA_DIR kept it ($EPICEVENTS_HOME/data), if there is one. */
export function earlierDataDir(config: Pick<Config, 'homeDir' | 'dataDir'>): string | undefined {
  const earlier = path.join(config.homeDir, 'data');
  return earlier !== config.dataDir && fs.existsSync(path.join(earlier, 'PG_VERSION')) ? earlier : undefined;
}

/**
 * The settings. `database: false` in server mode, where this machine has no business with a
 * database: DATABASE_URL is then not read at all.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env, { database = true }: { database?: boolean } = {}): Config {
  const databaseUrl = database ? env.DATABASE_URL?.trim() || undefined : undefined;
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
    dbPoolSize: poolSizeSetting(env.EPICEVENTS_DB_POOL),
    transactionPooler: poolerSetting(env.EPICEVENTS_DB_POOLER),
    tenant: tenantSetting(env.EPICEVENTS_TENANT),
    keepOpen: keepOpenSetting(env.EPICEVENTS_KEEP_OPEN),
  };
}

/**
 * Unset: 5 minutes, after commands run at a terminal (a person typing one command after another);
 * a script or a CI job leaves no process behind unless it sets a duration. `0` turns it off.
 */
const DEFAULT_KEEP_OPEN_SECONDS = 300;

function keepOpenSetting(raw: string | undefined): Config['keepOpen'] {
  const text = raw?.trim();
  if (!text) return { seconds: DEFAULT_KEEP_OPEN_SECONDS, atTerminalOnly: true };
  if (text === '0') return { seconds: 0, atTerminalOnly: false };
  const seconds = durationSeconds(text);
  if (seconds === undefined || seconds > MAX_KEEP_OPEN_SECONDS) {
    throw unavailable(`EPICEVENTS_KEEP_OPEN must be 0 or a duration up to 24h, like 90s, 30m or 2h (got "${text.slice(0, 40)}")`, 'fix EPICEVENTS_KEEP_OPEN in the environment or .env');
  }
  return { seconds, atTerminalOnly: false };
}

function poolerSetting(raw: string | undefined): boolean {
  const text = raw?.trim();
  if (!text) return false;
  if (text !== 'transaction') {
    throw unavailable(`EPICEVENTS_DB_POOLER must be "transaction" or unset (got "${text.slice(0, 40)}")`, 'set it to transaction only when the server reaches PostgreSQL through PgBouncer (or another pooler) in transaction mode');
  }
  return true;
}

/** The tenant EPICEVENTS_TENANT names (`default` when unset), or exit 7 naming the variable. */
export function tenantSetting(value: string | undefined): string {
  const slug = value?.trim() || DEFAULT_TENANT;
  if (!isTenantSlug(slug)) {
    throw unavailable(`EPICEVENTS_TENANT must be a tenant's slug: ${TENANT_SLUG_RULE} (got "${slug.slice(0, 40)}")`);
  }
  return slug;
}

/**
 * 10 by default: pg's own default, enough for a company's employees (a request holds a connection
 * only while its transaction runs, a few milliseconds), and a tenth of PostgreSQL's default
 * `max_connections`, which leaves room for a second server, migrations and an administrator.
 */
const DEFAULT_DB_POOL = 10;
const MAX_DB_POOL = 1000;

function poolSizeSetting(raw: string | undefined): number {
  const text = raw?.trim();
  if (!text) return DEFAULT_DB_POOL;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > MAX_DB_POOL) {
    throw unavailable(`EPICEVENTS_DB_POOL must be a whole number of connections from 1 to ${MAX_DB_POOL} (got "${text}")`, 'fix EPICEVENTS_DB_POOL in the environment or .env');
  }
  return Number(text);
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

/** The settings that move the two folders, for the hints of the errors about them. */
const FOLDER_SETTINGS = 'EPICEVENTS_HOME (session) or EPICEVENTS_DATA_DIR (embedded database)';

/**
 * The config or data folder, created with owner-only permissions (0700) when missing. A folder that
 * already exists keeps its mode (it may be shared, like /tmp), but one that other users can write
 * is refused: they could replace the credentials or the database in it.
 */
export function ensurePrivateDir(dir: string): fs.Stats {
  inOwnFolder(() => fs.mkdirSync(dir, { recursive: true, mode: 0o700 }));
  const stat = inOwnFolder(() => fs.statSync(dir));
  if (!stat.isDirectory()) throw unavailable(`cannot use ${dir}: it is not a folder`, `set ${FOLDER_SETTINGS} to a folder of yours`);
  if (!onlyOwnerWrites(stat)) {
    throw unavailable(
      `${dir} can be written by other users, so epicevents does not keep credentials or data in it`,
      `if it is yours, run \`chmod 700 ${dir}\`; otherwise set ${FOLDER_SETTINGS} to a private folder of yours`,
    );
  }
  return stat;
}

/** This user's, and no one else may write in it. Windows has no such modes; its folders under the profile are the user's already. */
function onlyOwnerWrites(stat: fs.Stats): boolean {
  if (process.platform === 'win32') return true;
  return (stat.mode & 0o022) === 0 && ownedByThisUser(stat);
}

/** Owned by the user this process runs as (where the platform has user ids). */
export function ownedByThisUser(stat: fs.Stats): boolean {
  const owner = process.getuid?.();
  return owner === undefined || stat.uid === owner;
}

/**
 * True when `dir` is a folder only this user may write, so that what is in it was put there by
 * them (a file naming a server to send the session to, say). Nothing is created.
 */
export function isPrivateDir(dir: string): boolean {
  try {
    const stat = fs.statSync(dir);
    return stat.isDirectory() && onlyOwnerWrites(stat);
  } catch {
    return false;
  }
}

/**
 * The embedded database's folder: private as `ensurePrivateDir` has it, and closed to other users
 * too (0700). The engine writes its files readable by others, so the folder is what keeps them
 * from reading or changing the database; one of this user's that others may enter is closed.
 */
export function ensureDataDir(dir: string): void {
  const stat = ensurePrivateDir(dir);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) inOwnFolder(() => fs.chmodSync(dir, 0o700));
}

/**
 * Writes a private file (0600) atomically: a temporary file in the same folder, renamed over the
 * target, so a failure (a full disk, a read-only folder) leaves the previous file whole and no
 * temporary file behind.
 */
export function writePrivateFile(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, content, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch (error) {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // A folder that refused the write may refuse this too; then nothing was created.
    }
    throw fileSystemFailure(error, file) ?? error;
  }
}

/**
 * Reads a file only if it is a regular file: opening a FIFO or a device would block or read
 * forever. Opened non-blocking and checked on the open descriptor, so nothing can be swapped in
 * between. Undefined when there is no file; `mode` is the file's permission bits.
 */
export function readRegularFile(file: string): { content: string; mode: number } | undefined {
  let fd: number;
  try {
    fd = inOwnFolder(() => fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw unavailable(`${file} is not a regular file, so it is not read`, `remove it (\`rm ${file}\`) and run the command again`);
    return { content: inOwnFolder(() => fs.readFileSync(fd, 'utf8'), file), mode: stat.mode };
  } finally {
    fs.closeSync(fd);
  }
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
export function inOwnFolder<T>(step: () => T, file?: string): T {
  try {
    return step();
  } catch (error) {
    // A failed write on an open file (a full disk) carries no path: `file` names it then.
    throw fileSystemFailure(error, (error as NodeJS.ErrnoException).path ?? file) ?? error;
  }
}

/** The exit-7 error for a file-system failure at `where` that the machine's setup explains, else undefined. */
function fileSystemFailure(error: unknown, where: string | undefined): CliError | undefined {
  const { code } = error as NodeJS.ErrnoException;
  const reason = code ? FILE_SYSTEM_REASONS[code] : undefined;
  if (!reason || !where) return undefined;
  return unavailable(`cannot use ${where}: ${reason}`, `check that folder (owner, permissions, space), or set ${FOLDER_SETTINGS} to a folder of yours`);
}

/**
 * After the embedded engine failed to open its folder: a folder that cannot take one page (a
 * full or read-only disk) is the reason, reported as such (exit 7). Otherwise nothing is thrown.
 */
export function assertFolderWritable(dir: string): void {
  const probe = path.join(dir, `.write-check.${process.pid}`);
  try {
    fs.writeFileSync(probe, Buffer.alloc(8192));
  } catch (error) {
    const failure = fileSystemFailure(error, dir);
    if (failure) throw failure;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}
