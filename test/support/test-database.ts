import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type DatabaseLender } from '../../src/cli/context';
import { Database } from '../../src/database/database';
import { scopeSql } from '../../src/database/tenant-scope';
import { DEFAULT_TENANT } from '../../src/domain/tenancy';
import type { RunningServer, ServerOptions } from './server';

/**
 * A database of its own for one test file, cloned from the run's migrated template:
 * on the server (TEST_DATABASE_URL) a `CREATE DATABASE … TEMPLATE`, on the embedded engine a copy
 * of the template's data folder.
 */
export interface TestDatabase {
  /** Environment that points the CLI at this database (in server mode: at the server that serves it). */
  env: Record<string, string>;
  /** postgres:// URL on a server; undefined on the embedded engine. */
  url?: string;
  /** Embedded data folder (the CLI finds it through XDG_DATA_HOME). */
  dataDir?: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
  /**
   * In server mode: one more `epicevents serve` over this database, for a test whose commands
   * must meet on several server processes (what a server keeps in memory) or on a server with
   * settings of its own. Stopped by its stop(), or by close().
   */
  addServer?(options?: ServerOptions): Promise<AddedServer>;
}

export interface AddedServer {
  url: string;
  /** The CLI's environment that names this server (to lay over the test database's `env`). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** In server mode: how the server that serves the database is started (its settings, e.g. EPICEVENTS_DB_POOL). */
  server?: ServerOptions;
}

export const serverUrl = (): string | undefined => process.env.TEST_DATABASE_URL || undefined;

/**
 * How the CLI reaches the test database in this run: `direct` (it opens it), or `server` (the
 * `server mode` project of jest.config.js): each test database then gets a real `epicevents
 * serve` process, and the CLI only that server's address, with DATABASE_URL pointing nowhere and
 * no JWT secret. The same test files run in both, with the same expectations.
 */
export const cliMode = (): 'direct' | 'server' => (process.env.EPICEVENTS_TEST_MODE === 'server' ? 'server' : 'direct');

/** Where DATABASE_URL points in server mode: nothing listens there, so a CLI that used it would fail. */
export const NOWHERE_DATABASE_URL = 'postgres://nobody:not-a-password@127.0.0.1:9/nowhere';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const template = process.env.EPICEVENTS_TEST_TEMPLATE;
  if (!template) throw new Error('integration tests need the global setup (run them through jest)');
  const url = serverUrl();
  if (url) {
    const name = `${template.replace(/_tpl$/, '')}_${randomBytes(4).toString('hex')}`;
    const db = await serverDatabase(url, name, `CREATE DATABASE ${name} TEMPLATE ${template}`);
    return cliMode() === 'server' ? throughServer(db, options.server) : db;
  }
  return embeddedDatabase((dataDir) => fs.cpSync(template, dataDir, { recursive: true }));
}

/**
 * A database with nothing in it, not even the schema: on a server a new database, on the embedded
 * engine a copy of the run's empty data folder (emptyEmbeddedFolder).
 */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
  const url = serverUrl();
  if (url) {
    const name = `epicevents_empty_${process.pid}_${randomBytes(4).toString('hex')}`;
    return serverDatabase(url, name, `CREATE DATABASE ${name}`);
  }
  return embeddedDatabase(emptyEmbeddedFolder);
}

/** Beside the embedded template (a data folder), the same folder before its migrations. */
export function embeddedEmptyTemplate(template: string): string {
  return path.join(path.dirname(template), 'empty');
}

/**
 * Makes `dataDir` an embedded database without the schema, as a new server database is: a copy of
 * the one the global setup created, since creating a data folder (PostgreSQL's initdb) costs
 * seconds, tens of them on a loaded machine, which a command that waits its turn for the folder
 * then waits too. On a server run there is no embedded template: the folder is left for the CLI
 * to create.
 */
export function emptyEmbeddedFolder(dataDir: string): void {
  const template = process.env.EPICEVENTS_TEST_TEMPLATE;
  if (!template || serverUrl()) return;
  fs.cpSync(embeddedEmptyTemplate(template), dataDir, { recursive: true });
}

/** The database behind a real `epicevents serve`: the CLI's environment names the server only; close() stops it (and any added one). */
async function throughServer(db: TestDatabase, options?: ServerOptions): Promise<TestDatabase> {
  const { startServer } = await import('./server');
  const servers = new Set<RunningServer>();
  const addServer = async (serverOptions?: ServerOptions): Promise<AddedServer> => {
    const server = await startServer(db, serverOptions);
    servers.add(server);
    return {
      url: server.url,
      env: { EPICEVENTS_SERVER: server.url, DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' },
      stop: async () => {
        servers.delete(server);
        await server.stop();
      },
    };
  };
  const first = await addServer(options);
  return {
    ...db,
    env: first.env,
    addServer,
    close: async () => {
      await Promise.all([...servers].map((server) => server.stop()));
      await db.close();
    },
  };
}

/** The id of the tenant `default` in a database the migrations made (the first tenant). */
export const DEFAULT_TENANT_ID = 1;

/**
 * A superuser connection for a test's raw SQL beside the CLI's: row security does not hold it, and
 * what it inserts belongs to the tenant `default` (the tenant_id column's default reads the setting).
 */
export function superuserClient(url: string | undefined): Client {
  return new Client({ connectionString: url, options: `-c app.tenant_id=${DEFAULT_TENANT_ID}` });
}

/**
 * A server database made by `createSql`, with one connection of its own; dropped by close(). That
 * connection is the superuser's, which row security does not hold: it sees every tenant's rows,
 * and the rows it inserts belong to the tenant `default` (the column's default reads the setting).
 */
async function serverDatabase(url: string, name: string, createSql: string): Promise<TestDatabase> {
  await adminQuery(createSql);
  const dbUrl = withDatabase(url, name);
  const client = superuserClient(dbUrl);
  await client.connect();
  return {
    env: { DATABASE_URL: dbUrl },
    url: dbUrl,
    query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    close: async () => {
      await client.end();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** An embedded data folder in a temporary data home, filled by `fill`. */
function embeddedDatabase(fill: (dataDir: string) => void): TestDatabase {
  const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-data-'));
  const dataDir = path.join(dataHome, 'epicevents', 'data');
  fill(dataDir);
  return {
    env: { XDG_DATA_HOME: dataHome },
    dataDir,
    query: async (sql, params) => {
      try {
        return await whileHeld(dataDir, (db) => asSuperuser(db, () => db.query(sql, params)));
      } catch (error) {
        // TypeORM wraps PGlite's error: the tests read PostgreSQL's fields on it, as pg gives them.
        const cause = (error as { driverError?: Record<string, unknown> }).driverError;
        if (!cause) throw error;
        const { message, code, constraint, detail, hint, table, column } = cause;
        throw Object.assign(new Error(String(message)), { code, constraint, detail, hint, table, column });
      }
    },
    close: async () => {
      await releaseEmbedded(dataDir);
      fs.rmSync(dataHome, { recursive: true, force: true });
    },
  };
}

/**
 * A test's own SQL on the embedded engine runs as its superuser, as the server's test connection
 * does (row security does not hold it; its inserts go to the tenant `default`, still set); the
 * session is scoped again for the commands that share it.
 */
async function asSuperuser<T>(db: Database, work: () => Promise<T>): Promise<T> {
  // Inside a transaction a failed statement aborted (a test's BEGIN … ROLLBACK), these fail until
  // the ROLLBACK, whose own call then scopes the session again: the test sees its statement's error.
  const quietly = (sql: string) => db.query(sql).catch(() => undefined);
  await quietly('RESET ROLE');
  try {
    return await work();
  } finally {
    await quietly(scopeSql(DEFAULT_TENANT));
  }
}

/**
 * The embedded databases this test file holds open, by data folder. Opening PGlite costs about a
 * second, so the file opens each folder once: its queries and its in-process commands
 * (cli.ts) share it. PGlite admits one process per folder: before a separate process uses the
 * folder, the file lets go of it (releaseEmbedded), and opens it again when it next needs it.
 */
const held = new Map<string, Promise<Database>>();

/** One key per folder, whatever path (a symbolic link, say) names it. */
function folderKey(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return fs.existsSync(resolved) ? fs.realpathSync(resolved) : resolved;
}

/** The open database of an embedded data folder, opened on first use. */
export function holdEmbedded(dataDir: string): Promise<Database> {
  const key = folderKey(dataDir);
  let db = held.get(key);
  if (!db) {
    // longLived: the run keeps V8's optimising compiler, which a one-command process turns off.
    db = Database.open({ dataDir: key, longLived: true, scope: { tenant: DEFAULT_TENANT } });
    held.set(key, db);
    db.catch(() => held.delete(key));
  }
  return db;
}

/** The test's own work on a held database, which a release waits for before it closes the database. */
const working = new Set<Promise<unknown>>();

function whileHeld<T>(dataDir: string, work: (db: Database) => Promise<T>): Promise<T> {
  const done = holdEmbedded(dataDir).then(work);
  working.add(done);
  const forget = () => working.delete(done);
  done.then(forget, forget);
  return done;
}

/** Closes the held database of one folder, or of every folder, so that another process may open it. */
export async function releaseEmbedded(dataDir?: string): Promise<void> {
  const keys = dataDir === undefined ? [...held.keys()] : [folderKey(dataDir)];
  const opened = keys.map((key) => held.get(key));
  keys.forEach((key) => held.delete(key));
  await Promise.allSettled([...working]);
  for (const db of opened) await (await db?.catch(() => undefined))?.close();
}

/**
 * Lends in-process commands the held database of the embedded folder they target; a folder that
 * does not hold a database yet is the command's own to create (`init` on an empty folder).
 */
export const embeddedLender: DatabaseLender = {
  lend: async (target) => {
    if (target.databaseUrl) return undefined;
    const key = folderKey(target.dataDir);
    if (!held.has(key) && !fs.existsSync(path.join(key, 'PG_VERSION'))) return undefined;
    return holdEmbedded(key);
  },
};
