import { type DataSource, type EntityManager } from 'typeorm';
import { unavailable } from '../errors/cli-error';
import { createDataSource, type DatabaseTarget } from './data-source';
import { describeServer, translateDatabaseError } from './database-errors';
import { MIGRATIONS } from './migrations';

export interface MigrationState {
  name: string;
  applied: boolean;
}

/** An open connection to the server or the embedded engine, with the CLI's error handling. */
export class Database {
  private constructor(
    readonly dataSource: DataSource,
    readonly target: DatabaseTarget,
  ) {}

  get embedded(): boolean {
    return !this.target.databaseUrl;
  }

  get description(): string {
    return describeServer(this.target.databaseUrl);
  }

  static async open(target: DatabaseTarget): Promise<Database> {
    const dataSource = createDataSource(target);
    try {
      await dataSource.initialize();
    } catch (error) {
      throw translateDatabaseError(error, target.databaseUrl);
    }
    return new Database(dataSource, target);
  }

  /**
   * Opens the database for a command that needs the current schema. The embedded database is
   * created and migrated on first use; a server whose schema is behind is refused (exit 7).
   */
  static async openCurrent(target: DatabaseTarget): Promise<Database> {
    const db = await Database.open(target);
    try {
      const pending = (await db.migrationStates()).filter((m) => !m.applied);
      if (pending.length > 0) {
        if (!db.embedded) {
          throw unavailable(
            `the database schema is behind: ${pending.length} migration(s) pending`,
            'run `epicevents db migrate` (or `epicevents init` on a new database)',
          );
        }
        await db.migrate();
      }
      return db;
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw translateDatabaseError(error, this.target.databaseUrl);
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

  /** Applies every pending migration, each in its own transaction; returns their names. */
  async migrate(): Promise<string[]> {
    try {
      const done = await this.dataSource.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } catch (error) {
      throw translateDatabaseError(error, this.target.databaseUrl);
    }
  }

  /** Reverts the newest applied migration; returns its name, or undefined at zero. */
  async revert(): Promise<string | undefined> {
    const applied = (await this.migrationStates()).filter((m) => m.applied);
    if (applied.length === 0) return undefined;
    try {
      await this.dataSource.undoLastMigration({ transaction: 'each' });
    } catch (error) {
      throw translateDatabaseError(error, this.target.databaseUrl);
    }
    return applied[applied.length - 1].name;
  }

  async close(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    try {
      await this.dataSource.destroy();
    } catch {
      // Closing a connection the server already dropped is not the user's problem.
    }
    if (this.embedded) {
      // typeorm-pglite keeps one process-wide PGlite instance; close it so the process can exit.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { PGliteInstance } = require('typeorm-pglite/dist/pglite-instance') as { PGliteInstance: { close(): Promise<void> } };
      await PGliteInstance.close();
    }
  }
}
