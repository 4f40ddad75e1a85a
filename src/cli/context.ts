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
 * configuration, and the database (opened on first use, closed when the command ends).
 */
export class CommandContext {
  private database?: Promise<Database>;
  private cachedConfig?: Config;
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

  /** The database with its schema current (embedded: migrated on first use). */
  db(): Promise<Database> {
    this.database ??= loadDatabase().then((Db) => Db.openCurrent(this.databaseTarget()));
    return this.database;
  }

  /** The database as it is, whatever its schema: for `db` and `init`. */
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
