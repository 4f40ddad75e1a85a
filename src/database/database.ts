import { type DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { assertFolderWritable, ensureDataDir } from '../config/config';
import { embeddedDatabaseLockName, stopKeptOpenServer } from '../config/embedded-server';
import { acquireProcessLock, type ProcessLock } from '../config/process-lock';
import { conflict, unavailable } from '../errors/cli-error';
import { createDataSource, type DatabaseTarget, ridesBehind } from './data-source';
import { describeServer, translateConnectError, translateDatabaseError } from './database-errors';
import { MIGRATIONS } from './migrations';
import { type IsolationLevel, type SqlRunner } from './sql-runner';
import { type StartQuery, type StartRow } from './start-query';
import { scopeSql, UNSCOPE_SQL } from './tenant-scope';

/** Arbitrary constant naming the advisory lock that guards migrations. */
const MIGRATION_LOCK_KEY = 7_120_826_401;
/** How long a command waits for another process to finish with the embedded database. */
export const EMBEDDED_LOCK_TIMEOUT_MS = 60_000;

export interface MigrationState {
  name: string;
  applied: boolean;
}

/** What `db revert` would undo: the newest applied migration and the tables it drops. */
export interface RevertPlan {
  migration: string;
  /** Every table the migration's `down` drops, with the rows it holds now. */
  droppedTables: { table: string; rows: number }[];
}

/** An open connection to the server or the embedded engine, with the CLI's error handling. */
export class Database implements SqlRunner {
  /** What the start query given to `openCurrent` read with the schema check, until `startRow` takes it. */
  private opening?: { query: StartQuery; row: StartRow };
  private checkedCurrent = false;

  private constructor(
    readonly dataSource: DataSource,
    readonly target: DatabaseTarget,
    private readonly scoping: Scoping,
    private readonly folderLock?: ProcessLock,
  ) {}

  get embedded(): boolean {
    return !this.target.databaseUrl;
  }

  get description(): string {
    return describeServer(this.target.databaseUrl);
  }

  static async open(target: DatabaseTarget): Promise<Database> {
    const folderLock = target.databaseUrl ? undefined : await lockEmbedded(target);
    try {
      const scoping: Scoping = { on: target.scope !== undefined };
      const dataSource = createDataSource(target, () => (scoping.on ? scopeSql(target.scope?.tenant) : undefined));
      try {
        await dataSource.initialize();
      } catch (error) {
        // The embedded engine says only that it failed to start: a full or read-only disk is the usual cause.
        if (!target.databaseUrl) assertFolderWritable(target.dataDir);
        throw translateConnectError(error, target.databaseUrl);
      }
      const db = new Database(dataSource, target, scoping, folderLock);
      try {
        // The embedded engine is one session: scoped once, here. A server's connections scope themselves.
        if (db.embedded && scoping.on) await db.runScoping();
      } catch (error) {
        await db.close();
        throw error;
      }
      return db;
    } catch (error) {
      await folderLock?.release();
      throw error;
    }
  }

  /** Runs the scope statement on the embedded engine's session (see `DatabaseTarget.scope`). */
  private async runScoping(): Promise<void> {
    try {
      await this.dataSource.query(scopeSql(this.target.scope?.tenant));
    } catch (error) {
      throw this.translate(error);
    }
  }

  /**
   * Runs `work` (migrations) in sessions as they connected, not scoped: the schema's owner or a
   * superuser changes the schema, never the tenant role. The embedded session is unscoped and
   * scoped again; a server's pool is reopened, so that no connection keeps the other state.
   */
  private async unscoped<T>(work: () => Promise<T>): Promise<T> {
    if (!this.scoping.on) return work();
    await this.rescope(false);
    try {
      return await work();
    } finally {
      await this.rescope(true);
    }
  }

  private async rescope(on: boolean): Promise<void> {
    this.scoping.on = on;
    if (this.embedded) {
      if (on) await this.runScoping();
      else for (const sql of UNSCOPE_SQL) await this.dataSource.query(sql);
      return;
    }
    await this.dataSource.destroy();
    try {
      await this.dataSource.initialize();
    } catch (error) {
      throw translateConnectError(error, this.target.databaseUrl);
    }
  }

  private translate(error: unknown): unknown {
    return translateDatabaseError(error, this.target.databaseUrl);
  }

  /**
   * Opens the database for a command that needs the current schema. The embedded database is
   * created and migrated on first use; a server whose schema is behind is refused (exit 7)
   * (`ensureCurrent`, which also reads `start`'s columns).
   */
  static async openCurrent(target: DatabaseTarget, start?: StartQuery): Promise<Database> {
    const db = await Database.open(target);
    try {
      await db.ensureCurrent(start);
      return db;
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  /**
   * Migrates an embedded database that is behind; refuses (exit 7) a server whose schema is behind.
   * With `start`, its columns are read in the same statement as the schema check (one round trip
   * instead of two), and `startRow(start)` then returns them.
   */
  async ensureCurrent(start?: StartQuery): Promise<void> {
    const checked = await this.schemaCheck(start);
    const pending = MIGRATIONS.filter((m) => !checked.applied.includes(m.name));
    if (pending.length > 0) {
      if (!this.embedded) {
        throw unavailable(
          `the database schema is behind: ${pending.length} migration(s) pending`,
          'run `epicevents db migrate` (or `epicevents init` on a new database)',
        );
      }
      await this.migrate();
    } else if (start && checked.row) {
      this.opening = { query: start, row: checked.row };
    }
    this.checkedCurrent = true;
  }

  /** True once `ensureCurrent` found (or made) the schema current, until a revert; false for a database opened as it is. */
  get schemaChecked(): boolean {
    return this.checkedCurrent;
  }

  /**
   * The applied migrations, with `start`'s columns in the same statement. A schema too far behind
   * for that statement (no migrations table yet, or a table or column `start` reads not there yet)
   * is read again without them: its pending migrations are what matters then.
   */
  private async schemaCheck(start?: StartQuery): Promise<{ applied: string[]; row?: StartRow }> {
    const extra = start ? `, ${start.selectList}` : '';
    try {
      const [row] = await this.dataSource.query<(StartRow & { applied: string[] })[]>(`SELECT ARRAY(SELECT name FROM migrations) AS applied${extra}`, start?.params);
      return { applied: row.applied, row };
    } catch (error) {
      const code = (error as { driverError?: { code?: string } }).driverError?.code;
      if (code !== '42P01' && code !== '42703') throw this.translate(error);
      const states = await this.migrationStates();
      if (states.every((m) => m.applied)) throw translateDatabaseError(error, this.target.databaseUrl);
      return { applied: states.filter((m) => m.applied).map((m) => m.name) };
    }
  }

  /** The row of `start`: read already when the database opened with it, otherwise now. */
  async startRow(start: StartQuery): Promise<StartRow> {
    if (this.opening?.query === start) {
      const { row } = this.opening;
      this.opening = undefined;
      return row;
    }
    const [row] = await this.query<StartRow>(`SELECT ${start.selectList}`, start.params);
    return row;
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async query<T = unknown>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.dataSource.query(sql, params);
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    try {
      return await (isolation ? this.dataSource.transaction(isolation, work) : this.dataSource.transaction(work));
    } catch (error) {
      throw this.translate(error);
    }
  }

  /**
   * A transaction whose first statement is `first` (a server request's tenant and caller re-read),
   * and `work` with its rows. On a server, `first` is written together with the statement that
   * opens the transaction (`START TRANSACTION`, or the isolation level's) and costs no round trip
   * of its own; on the embedded engine it follows it. Committed when `work` resolves, rolled back
   * when either throws.
   */
  async transactionStartingWith<T>(
    first: { sql: string; params: unknown[] },
    work: (manager: EntityManager, rows: Record<string, unknown>[]) => Promise<T>,
    isolation?: IsolationLevel,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client: unknown = await runner.connect();
      // TypeORM opens the transaction with these texts (PostgresQueryRunner.startTransaction).
      const opening = isolation ? `SET TRANSACTION ISOLATION LEVEL ${isolation}` : 'START TRANSACTION';
      const riding = ridesBehind(client) ? client.rideBehind(opening, first.sql, first.params) : undefined;
      // Awaited below unless the transaction fails to open, whose error is the one to report.
      riding?.catch(() => undefined);
      let ridden = false;
      try {
        await runner.startTransaction(isolation);
      } finally {
        // Not sent when TypeORM opened the transaction with another text: sent now, then.
        ridden = riding !== undefined && ridesBehind(client) && !client.cancelRide();
      }
      const rows = ridden && riding ? await riding : ((await runner.query(first.sql, first.params)) as Record<string, unknown>[]);
      const result = await work(runner.manager, rows);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw this.translate(error);
    } finally {
      await runner.release();
    }
  }

  async migrationStates(): Promise<MigrationState[]> {
    const applied = new Set<string>();
    try {
      const rows: { name: string }[] = await this.dataSource.query('SELECT name FROM migrations');
      rows.forEach((row) => applied.add(row.name));
    } catch (error) {
      if ((error as { driverError?: { code?: string }; code?: string }).driverError?.code !== '42P01') {
        throw translateDatabaseError(error, this.target.databaseUrl);
      }
    }
    return MIGRATIONS.map((m) => ({ name: m.name, applied: applied.has(m.name) }));
  }

  /**
   * `VACUUM (ANALYZE)` of `tables` as the session connected, not scoped: only a table's owner (or a
   * superuser) may, and the tenant role owns nothing, so scoped it would skip every table with a
   * warning and leave the planner without statistics. Connected as the application role (owning
   * nothing either) it still skips them: autovacuum analyses them later.
   */
  async vacuumAnalyze(tables: readonly string[]): Promise<void> {
    if (tables.some((table) => !/^[a-z_]+$/.test(table))) throw new Error(`not a table name: ${tables.join(', ')}`);
    await this.unscoped(() => this.dataSource.query(`VACUUM (ANALYZE) ${tables.join(', ')}`));
  }

  /** Applies every pending migration, each in its own transaction; returns their names. */
  async migrate(): Promise<string[]> {
    this.refuseTransactionPooler();
    if ((await this.migrationStates()).every((m) => m.applied)) return [];
    return this.unscoped(() => this.withMigrationLock(async () => (await this.dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name)));
  }

  /**
   * What reverting the newest applied migration would remove, found by running its `down` in a
   * transaction that is rolled back (DDL is transactional in PostgreSQL): the tables that are gone
   * afterwards, each with its row count. Nothing is kept; undefined at zero.
   */
  async revertPlan(): Promise<RevertPlan | undefined> {
    return this.unscoped(() => this.withMigrationLock(async () => {
      const applied = (await this.migrationStates()).filter((m) => m.applied);
      if (applied.length === 0) return undefined;
      const migration = applied[applied.length - 1].name;
      const Migration = MIGRATIONS.find((m) => m.name === migration)!;
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        const before = await publicTables(runner);
        await new Migration().down(runner);
        const after = new Set(await publicTables(runner));
        await runner.rollbackTransaction();
        const droppedTables: RevertPlan['droppedTables'] = [];
        // TypeORM's own `migrations` table is bookkeeping, not data.
        for (const table of before.filter((t) => !after.has(t) && t !== 'migrations')) {
          const [row] = (await runner.query(`SELECT count(*)::bigint AS n FROM "${table.replace(/"/g, '""')}"`)) as { n: string }[];
          droppedTables.push({ table, rows: Number(row.n) });
        }
        return { migration, droppedTables };
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    }));
  }

  /**
   * Reverts the newest applied migration; returns its name, or undefined at zero. Reverting the
   * last one also drops TypeORM's bookkeeping table, so the schema is left as empty as it started.
   * With `expected`, refuses (exit 6) unless that is still the newest applied one: what the caller
   * confirmed is what is reverted.
   */
  async revert(expected?: string): Promise<string | undefined> {
    return this.unscoped(() => this.withMigrationLock(async () => {
      const applied = (await this.migrationStates()).filter((m) => m.applied);
      if (applied.length === 0) return undefined;
      const newest = applied[applied.length - 1].name;
      if (expected !== undefined && newest !== expected) {
        throw conflict(`the newest applied migration is now ${newest}, not ${expected}: another process changed the schema`, 'run `epicevents db status`, then revert again');
      }
      // No longer current: a database kept open for the next command (a lender's) checks again.
      this.checkedCurrent = false;
      await this.dataSource.undoLastMigration({ transaction: 'each' });
      if (applied.length === 1) await this.dataSource.query('DROP TABLE migrations');
      return applied[applied.length - 1].name;
    }));
  }

  /**
   * Serialises schema changes across processes (two `init`s on an empty server would otherwise
   * both create the tables): a session-level advisory lock held while the migrations run.
   */
  /** Migrations hold a lock that belongs to a session, which a transaction pooler hands to whoever comes next. */
  private refuseTransactionPooler(): void {
    if (this.target.transactionPooler) {
      throw unavailable('migrations cannot run through a transaction pooler (EPICEVENTS_DB_POOLER=transaction)', 'run them with a DATABASE_URL that reaches PostgreSQL directly, as the owner role');
    }
  }

  private async withMigrationLock<T>(work: () => Promise<T>): Promise<T> {
    this.refuseTransactionPooler();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } catch (error) {
      throw translateDatabaseError(error, this.target.databaseUrl);
    } finally {
      await runner.release();
    }
  }

  async close(): Promise<void> {
    try {
      if (!this.dataSource.isInitialized) return;
      try {
        // Closes the pool: on the embedded engine, the DataSource's own PGlite (pglite-pool.ts).
        await this.dataSource.destroy();
      } catch {
        // Closing a connection the server already dropped is not the user's problem.
      }
    } finally {
      // Only once PGlite has written everything back may the next process open the folder.
      await this.folderLock?.release();
    }
  }
}

/** Whether the sessions are scoped now (see `DatabaseTarget.scope`); off while migrations run. */
interface Scoping {
  on: boolean;
}

/** The tables of the public schema. */
async function publicTables(runner: QueryRunner): Promise<string[]> {
  const rows = (await runner.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)) as { tablename: string }[];
  return rows.map((row) => row.tablename);
}

/**
 * PGlite admits one process per data folder: two processes opening it at once each work on their
 * own copy in memory and overwrite each other's files (two `init`s would both succeed). Processes
 * therefore take turns, each holding the folder's lock until it closes the database.
 */
async function lockEmbedded(target: DatabaseTarget): Promise<ProcessLock> {
  // Created first, so that the lock names the folder whatever path leads to it.
  ensureDataDir(target.dataDir);
  let askedKeptOpen = false;
  let told = false;
  const lock = await acquireProcessLock(embeddedDatabaseLockName(target.dataDir), {
    timeoutMs: EMBEDDED_LOCK_TIMEOUT_MS,
    // A process that only keeps the folder open for the next commands makes way (it closes the
    // database at once): no need to tell the user about that wait. Asked at every retry, since one
    // may start and take the lock while this command waits (commands run together).
    onWait: () => {
      if (stopKeptOpenServer(target.dataDir)) askedKeptOpen = true;
      if (askedKeptOpen || told) return;
      told = true;
      target.onWait?.();
    },
  });
  if (!lock) {
    throw unavailable(
      `the embedded database in ${target.dataDir} is still in use by another epicevents process after ${EMBEDDED_LOCK_TIMEOUT_MS / 1000} s`,
      'wait for it to finish, or use a PostgreSQL server (DATABASE_URL) to work in parallel',
    );
  }
  return lock;
}
