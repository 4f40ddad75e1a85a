import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rolesSql } from '../../src/database/roles-sql';
import { runCli, TEST_JWT_SECRET, tempHome } from './cli';
import { type PgBouncer, pgbouncerBinary, startPgBouncer } from './pgbouncer';
import { programRuns } from './programs';
import { type RunningServer, type ServerOptions, startServer } from './server';
import { adminQuery, createTestDatabase, serverUrl, superuserClient, type TestDatabase, withDatabase } from './test-database';

/**
 * A database as a multi-tenant deployment runs it: made by the roles of `db roles --print` (an
 * owner that migrates, an application role that owns nothing and cannot bypass row security),
 * migrated as the owner, and served by `epicevents serve` as the application role through a
 * private PgBouncer in transaction mode, whose few server sessions every request takes turns on.
 */
export interface PooledDatabase extends TestDatabase {
  url: string;
  name: string;
  owner: { name: string; password: string };
  app: { name: string; password: string };
  bouncer: PgBouncer;
  /** postgres:// URL of `role` straight to PostgreSQL (not through PgBouncer). */
  directUrl(role: string, password: string): string;
  /** `epicevents serve` as the application role through PgBouncer, with EPICEVENTS_DB_POOLER=transaction; stopped by close(). */
  startServer(options?: ServerOptions): Promise<RunningServer>;
}

/** psql, which runs the roles script (its passwords are psql variables). */
export const psqlAvailable = (): boolean => programRuns('psql', ['--version']);

/** Runs the SQL of `db roles --print` on `url` as an administrator would: psql, with the two roles' passwords as its variables. */
export function runRolesScript(url: string, sql: string, passwords: { owner: string; app: string }): string {
  return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `owner_password=${passwords.owner}`, '-v', `app_password=${passwords.app}`, url], {
    input: sql,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** psql (for the roles script's variables) and pgbouncer, beside a PostgreSQL server: what a pooled database needs. */
export const pooledDatabaseAvailable = (): boolean => Boolean(serverUrl() && psqlAvailable() && pgbouncerBinary());

/** CI installs both (.ci/run): there a missing one is a failure, not a skipped test. */
export function requirePoolerInCi(what: string): void {
  if (process.env.CI && serverUrl() && !pooledDatabaseAvailable()) throw new Error(`CI must have psql and pgbouncer for ${what}`);
}

const OWNER_PASSWORD = 'owner-pass-2032';
const APP_PASSWORD = 'app-pass-2032';

/** A new database and its two roles (named after `prefix`, unique to this run), PgBouncer before it with `poolSize` sessions per role. */
export async function createPooledDatabase({ prefix, poolSize = 2 }: { prefix: string; poolSize?: number }): Promise<PooledDatabase> {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const name = `${prefix}_${suffix}`;
  const owner = { name: `ee_owner_${suffix}`, password: OWNER_PASSWORD };
  const app = { name: `ee_app_${suffix}`, password: APP_PASSWORD };
  const base = serverUrl();
  if (!base) throw new Error('a pooled database needs a PostgreSQL server (TEST_DATABASE_URL)');
  const url = withDatabase(base, name);
  const directUrl = (role: string, password: string) => {
    const parsed = new URL(url);
    parsed.username = role;
    parsed.password = password;
    return parsed.toString();
  };
  const runPsql = (sql: string) => runRolesScript(url, sql, { owner: OWNER_PASSWORD, app: APP_PASSWORD });

  await adminQuery(`CREATE DATABASE ${name}`);
  const servers: RunningServer[] = [];
  let bouncer: PgBouncer | undefined;
  const client = superuserClient(url);
  const close = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await bouncer?.stop();
    await client.end().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminQuery(`DROP ROLE IF EXISTS ${app.name}`);
    await adminQuery(`DROP ROLE IF EXISTS ${owner.name}`);
  };
  try {
    const sql = rolesSql({ database: name, owner: owner.name, app: app.name });
    runPsql(sql);
    const migrate = await runCli(['db', 'migrate'], { env: { DATABASE_URL: directUrl(owner.name, OWNER_PASSWORD), EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET, EPICEVENTS_HOME: tempHome() } });
    if (migrate.code !== 0) throw new Error(`db migrate as the owner failed (${migrate.code}): ${migrate.stderr}`);
    runPsql(sql); // the grants on the tables the migrations created
    bouncer = await startPgBouncer({ serverUrl: base, users: { [app.name]: APP_PASSWORD, [owner.name]: OWNER_PASSWORD }, poolSize });
    await client.connect();
  } catch (error) {
    await close();
    throw error;
  }
  const started = bouncer;
  return {
    name,
    url,
    env: { DATABASE_URL: url },
    owner,
    app,
    bouncer: started,
    directUrl,
    query: async (text, params) => (await client.query(text, params as unknown[])).rows,
    startServer: async (options = {}) => {
      const server = await startServer(
        { url, env: { DATABASE_URL: started.urlFor(app.name, APP_PASSWORD, name), EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET } },
        { ...options, env: { EPICEVENTS_DB_POOLER: 'transaction', ...options.env } },
      );
      servers.push(server);
      return server;
    },
    close,
  };
}

/** A database and a real `epicevents serve` over it. */
export interface Deployment {
  db: TestDatabase;
  server: RunningServer;
}

/**
 * The two deployments the isolation tests run against, for `describe.each`: the server on the
 * test database's superuser connection (which it switches to the tenant role), and the server as
 * the application role behind PgBouncer in transaction mode, where each transaction of a request
 * may run on another server session than the last, after another tenant's. Each with whether it
 * can run here; CI must be able to run both.
 */
export function isolationDeployments(prefix: string): [name: string, deploy: () => Promise<Deployment>, available: boolean][] {
  requirePoolerInCi('the isolation tests behind PgBouncer');
  return [
    [
      "on the superuser's connection",
      async () => {
        const db = await createTestDatabase();
        return { db, server: await startServer(db) };
      },
      Boolean(serverUrl()),
    ],
    [
      'behind PgBouncer in transaction mode',
      async () => {
        const db = await createPooledDatabase({ prefix });
        return { db, server: await db.startServer() };
      },
      pooledDatabaseAvailable(),
    ],
  ];
}
