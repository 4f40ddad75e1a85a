import { type Backend, type Caller } from '../backend/backend';
import { type Config, readConfig } from '../config/config';
import { type Database } from '../database/database';
import { type DatabaseTarget } from '../database/data-source';
import { type Output } from '../output/output';
import { type Prompter } from './prompter';

export interface GlobalOptions {
  json: boolean;
  color: boolean;
  yes: boolean;
}

/**
 * Everything a command's run function may use, injected so tests can drive it: output, prompts,
 * configuration, the backend, and the caller the runner resolved for it. The database behind the
 * backend is opened on first use and closed when the command ends.
 */
export class CommandContext {
  private database?: Promise<Database>;
  private loadedBackend?: Promise<Backend>;
  private cachedConfig?: Config;
  /** The employee the command runs as, resolved by the runner when the spec asks for a login. */
  caller?: Caller;
  /** The authenticated employee's id, once known: context for error reports. */
  actorId?: number;

  constructor(
    readonly commandName: string,
    readonly globals: GlobalOptions,
    readonly output: Output,
    readonly prompter: Prompter,
    readonly env: NodeJS.ProcessEnv = process.env,
    readonly stdin: NodeJS.ReadableStream = process.stdin,
  ) {}

  get config(): Config {
    this.cachedConfig ??= readConfig(this.env);
    return this.cachedConfig;
  }

  /**
   * What the command works with: the services in this process, loaded on first use so that
   * `--help` never loads them, TypeORM or argon2.
   */
  backend(): Promise<Backend> {
    this.loadedBackend ??= import('../backend/in-process').then(
      ({ InProcessBackend }): Backend =>
        new InProcessBackend({
          config: this.config,
          env: this.env,
          warn: (message) => this.output.warn(message),
          db: () => this.db(),
          rawDb: () => this.rawDb(),
        }),
    );
    return this.loadedBackend;
  }

  /**
   * The database with its schema current (embedded: migrated on first use). Direct only: for the
   * `db` commands and the backend. Whichever of `db()` and `rawDb()` opens it first decides.
   */
  db(): Promise<Database> {
    this.database ??= loadDatabase().then((Db) => Db.openCurrent(this.databaseTarget()));
    return this.database;
  }

  /** The database as it is, whatever its schema: for the `db` commands and `init`. */
  rawDb(): Promise<Database> {
    this.database ??= loadDatabase().then((Db) => Db.open(this.databaseTarget()));
    return this.database;
  }

  private databaseTarget(): DatabaseTarget {
    return {
      databaseUrl: this.config.databaseUrl,
      dataDir: this.config.dataDir,
      onWait: () => this.output.note('the embedded database is in use by another epicevents process; waiting for it to finish'),
    };
  }

  async close(): Promise<void> {
    const db = await this.database?.catch(() => undefined);
    await db?.close();
  }
}

/** TypeORM and the entities load on the first database use, so `--help` and `help` never pay for them. */
async function loadDatabase(): Promise<typeof Database> {
  return (await import('../database/database')).Database;
}
