import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { type PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from './migrations';
import fs from 'node:fs';
import { ensureDataDir } from '../config/config';
import { preparedName } from './prepared-statements';

export interface DatabaseTarget {
  /** postgres://… for a server; undefined for the embedded engine. */
  databaseUrl?: string;
  /** Folder of the embedded database. */
  dataDir: string;
  /** Called when the embedded database is busy with another process and this one waits its turn. */
  onWait?: () => void;
  /**
   * A process that serves many requests (`serve`) keeps V8's optimising compiler for the embedded
   * engine. Not the one that keeps it open between one person's commands (`serve --keep-open`):
   * their queries are small, and the compiler's work at its start would take a core from the
   * person's next command.
   */
  longLived?: boolean;
  /** Connections to a server (a command needs few; `serve` sizes its pool by EPICEVENTS_DB_POOL). */
  poolSize?: number;
  /** A server statement running longer is cancelled by PostgreSQL itself (`statement_timeout`). */
  statementTimeoutMs?: number;
  /**
   * Through a pooler in transaction mode (PgBouncer): no named prepared statements (a statement
   * prepared in one server session is unknown to the next) and no startup parameter but
   * application_name (PgBouncer refuses the others); the statement timeout is then the role's
   * (`db roles --print` sets it).
   */
  transactionPooler?: boolean;
  /**
   * Holds the sessions to row security (src/database/tenant-scope.ts): a superuser session becomes
   * the tenant role, and with `tenant` (a slug) that tenant is set for the whole session (direct
   * mode). Without `scope` the sessions stay as they connected: for migrating a template, say.
   */
  scope?: { tenant?: string };
}

const COMMAND_POOL_SIZE = 4;

const SERVER_CONNECT_TIMEOUT_MS = 3000;

/**
 * Builds (does not open) the DataSource for a server URL or for the embedded PGlite folder. Each
 * new connection to a server first runs the statement `sessionSetup` gives at that moment, if any
 * (the tenant scope, src/database/tenant-scope.ts); the embedded engine's one session is set up by
 * its opener.
 */
export function createDataSource(target: DatabaseTarget, sessionSetup: () => string | undefined = () => undefined): DataSource {
  const common = {
    type: 'postgres',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Extensions come from the migrations; TypeORM's own check scans every column at each start.
    installExtensions: false,
    logging: false,
  } as const;
  if (target.databaseUrl) {
    return withoutServerProbe(new DataSource({
      ...common,
      url: target.databaseUrl,
      // Handed over rather than left to TypeORM's require-by-name, so the bundle contains pg.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      driver: require('pg'),
      // pg's pool waits this long for a connection too: a server whose connections all wait on a
      // row lock queues the next requests as long as a statement may run, rather than failing them.
      connectTimeoutMS: target.statementTimeoutMs ?? SERVER_CONNECT_TIMEOUT_MS,
      extra: {
        max: target.poolSize ?? COMMAND_POOL_SIZE,
        Client: preparingClient(sessionSetup, !target.transactionPooler),
        application_name: 'epicevents',
        ...(!target.transactionPooler && target.statementTimeoutMs ? { statement_timeout: target.statementTimeoutMs } : {}),
      },
    } as DataSourceOptions));
  }
  if (!target.longLived) {
    // A command lives about a second: V8's optimising tier for WebAssembly would recompile
    // PostgreSQL's hot functions on background threads that the exit then waits for. Set at run
    // time, not on the command line, which would invalidate the bundle's code cache.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--liftoff-only');
  }
  // Loaded only for the embedded engine: PGlite is the heaviest module the CLI can pull in.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pgliteDriver } = require('./pglite-pool') as typeof import('./pglite-pool');
  ensureDataDir(target.dataDir);
  // PGlite cannot start in a folder reached through a symbolic link: it gets the real path.
  const dataDir = fs.realpathSync(target.dataDir);
  return withoutServerProbe(
    new DataSource({
      ...common,
      driver: pgliteDriver({ dataDir, extensions: embeddedExtensions(), startParams: embeddedStartParams() }),
    } as DataSourceOptions),
    // PGlite's one database.
    'postgres',
  );
}

/**
 * TypeORM's Postgres driver asks the server, on initialize, for its version, the current
 * database and the current schema: three round trips before the command's first query, for
 * answers known already. The version only tells TypeORM whether PostgreSQL 12's features exist
 * (generated columns, ALTER TYPE … ADD VALUE); both engines are newer (PostgreSQL 15 servers,
 * PGlite's 17). The schema is public: the migrations create every table there. The database is
 * the URL's, which TypeORM reads from it, or PGlite's one. Fields the driver asks for only when
 * they are unset (typeorm/driver/postgres/PostgresDriver.js, connect()).
 */
const ASSUMED_SERVER_VERSION = '15.0';

function withoutServerProbe(dataSource: DataSource, database?: string): DataSource {
  const driver = dataSource.driver as PostgresDriver;
  driver.version ??= ASSUMED_SERVER_VERSION;
  driver.searchSchema ??= 'public';
  if (database) driver.database ??= database;
  return dataSource;
}

/**
 * pg's client, except that the texts marked by `prepared()` run as named statements when
 * `prepareStatements`: parsed and planned once per connection (TypeORM passes every query as a
 * text and its values), and that a new connection runs `sessionSetup`'s statement before the pool
 * hands it out.
 */
type ConnectCallback = Parameters<InstanceType<typeof import('pg').Client>['connect']>[0];

/**
 * A server connection's client can write a transaction's first statement right behind the
 * statement that opens the transaction, before its answer (`Database.transactionStartingWith`).
 */
export interface RidingClient {
  /**
   * Sends `sql` right behind the next statement of this client whose text is `after` (pg's
   * pipeline mode, for those two only): one round trip for both. Resolves with its rows; rejects
   * with its error, or with that of `after` (in an aborted transaction the second fails too).
   */
  rideBehind(after: string, sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  /**
   * Forgets the ride if its statement `after` was not sent (the transaction failed to open, or
   * opened with another text); true then, and the ride's promise never settles.
   */
  cancelRide(): boolean;
}

export function ridesBehind(client: unknown): client is RidingClient {
  return typeof (client as Partial<RidingClient>).rideBehind === 'function';
}

interface Ride {
  after: string;
  sql: string;
  params: unknown[];
  resolve: (rows: Record<string, unknown>[]) => void;
  reject: (error: unknown) => void;
}

function preparingClient(sessionSetup: () => string | undefined, prepareStatements: boolean): typeof import('pg').Client {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  return class PreparingClient extends Client implements RidingClient {
    private ride?: Ride;

    rideBehind(after: string, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
      if (this.ride) throw new Error('a statement already rides behind the next one');
      return new Promise((resolve, reject) => {
        this.ride = { after, sql, params, resolve, reject };
      });
    }

    cancelRide(): boolean {
      const unsent = this.ride !== undefined;
      this.ride = undefined;
      return unsent;
    }

    // pg-pool connects with a callback; a caller may also await the promise.
    override connect(callback?: ConnectCallback): never {
      const setup = sessionSetup();
      const connected = (super.connect() as Promise<unknown>).then(async () => {
        if (!setup) return;
        try {
          await super.query(setup);
        } catch (error) {
          // The pool drops a connection whose connect failed; closing it is this client's part.
          await this.end().catch(() => undefined);
          throw error;
        }
      });
      if (!callback) return connected.then(() => this) as never;
      const done = callback as (error: Error | null, client?: unknown) => void;
      connected.then(() => done(null, this), (error: Error) => done(error));
      return undefined as never;
    }

    override query(config: unknown, values?: unknown, callback?: unknown): never {
      const ride = this.ride && config === this.ride.after ? this.ride : undefined;
      if (!ride) return this.send(config, values, callback);
      this.ride = undefined;
      // Both written before either answer; the ordinary mode again once the second answered,
      // before whoever waits on it sends anything else.
      (this as { pipeline: boolean }).pipeline = true;
      const opened = this.send(config, values, callback);
      (this.send(ride.sql, ride.params) as Promise<{ rows: Record<string, unknown>[] }>)
        .finally(() => {
          (this as { pipeline: boolean }).pipeline = false;
        })
        .then((result) => ride.resolve(result.rows), ride.reject);
      return opened;
    }

    private send(config: unknown, values?: unknown, callback?: unknown): never {
      const name = prepareStatements && typeof config === 'string' && Array.isArray(values) ? preparedName(config) : undefined;
      return (super.query as (...args: unknown[]) => never)(name ? { name, text: config } : config, values, callback);
    }
  } as typeof Client;
}

/**
 * Extensions the migrations install (pg_trgm for `client list --search`). PGlite bundles each
 * extension separately and must be given them when it opens a data folder, or any table with a
 * trigram index cannot be written.
 */
function embeddedExtensions(): NonNullable<import('@electric-sql/pglite').PGliteOptions['extensions']> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: import('@electric-sql/pglite').Extension };
  return { pg_trgm };
}

/**
 * PGlite's defaults with 16 MB of shared buffers instead of 128 MB: PGlite touches all of them when
 * it starts, and one person's CLI does not need them (peak RSS of a command 330 to 200 MB,
 * docs/performance.md).
 */
function embeddedStartParams(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  return [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
}
