import { type Backend, type Caller } from '../backend/backend';
import { type Config, readConfig } from '../config/config';
import { type Database } from '../database/database';
import { type DatabaseTarget } from '../database/data-source';
import { type StartQuery } from '../database/start-query';
import { usageError } from '../errors/cli-error';
import { type Output } from '../output/output';
import { type Prompter } from './prompter';

export interface GlobalOptions {
  json: boolean;
  color: boolean;
  yes: boolean;
}

/** Where a command's backend may be: what its spec and flags say about server mode. */
export interface BackendPlacement {
  /** `serve`, `db …`, `completion`: always this machine's database, never a server. */
  directOnly?: boolean;
  /** `login --server URL`. */
  server?: string;
  /** `login --tenant SLUG`. */
  tenant?: string;
}

/**
 * Lends a command a database its host keeps open (a test run executing many commands in one
 * process, where opening the embedded engine per command would cost more than the command).
 * A lent database is used as it is and never closed by the command.
 */
export interface DatabaseLender {
  /** The open database for this target, or undefined: the command then opens its own. */
  lend(target: DatabaseTarget): Promise<Database | undefined>;
}

/**
 * Everything a command's run function may use, injected so tests can drive it: output, prompts,
 * configuration, the backend, and the caller the runner resolved for it. The database behind the
 * backend is opened on first use and closed when the command ends.
 */
export class CommandContext {
  private database?: Promise<Database>;
  /** Set when the database came from the lender: the command does not close it. */
  private lent = false;
  private loadedBackend?: Promise<Backend>;
  /** The server's connection in server mode, closed with the command. */
  private serverBackend?: { close(): void };
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
    private readonly placement: BackendPlacement = {},
    private readonly lender?: DatabaseLender,
  ) {}

  get config(): Config {
    this.cachedConfig ??= readConfig(this.env);
    return this.cachedConfig;
  }

  /**
   * What the command works with, loaded on first use so that `--help` never loads it: in server
   * mode (`EPICEVENTS_SERVER`, `login --server`, the server remembered by it, or the server that
   * holds this machine's embedded database) the server's API, and then neither DATABASE_URL nor the
   * JWT secret is read, nor any database code loaded; otherwise the services in this process.
   */
  backend(): Promise<Backend> {
    this.loadedBackend ??= this.openBackend();
    return this.loadedBackend;
  }

  private async openBackend(): Promise<Backend> {
    const { chooseServer } = await import('../client/server-choice');
    const server = this.placement.directOnly ? undefined : await chooseServer(this.env, this.placement.server, this.commandName === 'login' ? { tenant: this.placement.tenant } : undefined);
    const warn = (message: string) => this.output.warn(message);
    if (server) {
      const { HttpBackend } = await import('../backend/http');
      const backend = new HttpBackend({ server, config: readConfig(this.env, { database: false }), warn });
      this.serverBackend = backend;
      return backend;
    }
    const { InProcessBackend } = await import('../backend/in-process');
    if (this.placement.tenant !== undefined && this.placement.tenant !== this.config.tenant) {
      // Direct mode's sessions are all in the tenant the database was opened in.
      throw usageError(
        `--tenant ${this.placement.tenant}: this command opens the database itself, in the tenant "${this.config.tenant}" (EPICEVENTS_TENANT)`,
        `set EPICEVENTS_TENANT=${this.placement.tenant}, or log in to a server with --server`,
      );
    }
    return new InProcessBackend({ config: this.config, env: this.env, warn, db: (start) => this.db(start), rawDb: () => this.rawDb() });
  }

  /**
   * The database with its schema current (embedded: migrated on first use). Direct only: for the
   * `db` commands and the backend. Whichever of `db()` and `rawDb()` opens it first decides; the
   * first `db(start)` has `start`'s columns read with the schema check (the session's caller).
   */
  db(start?: StartQuery): Promise<Database> {
    this.database ??= this.borrowed(true, start).then(async (db) => db ?? (await loadDatabase()).openCurrent(this.databaseTarget(), start));
    return this.database;
  }

  /** The database as it is, whatever its schema: for the `db` commands and `init`. */
  rawDb(): Promise<Database> {
    this.database ??= this.borrowed(false).then(async (db) => db ?? (await loadDatabase()).open(this.databaseTarget()));
    return this.database;
  }

  /** The lender's open database for this command's target, brought current when `current`. */
  private async borrowed(current: boolean, start?: StartQuery): Promise<Database | undefined> {
    const db = await this.lender?.lend(this.databaseTarget());
    if (!db) return undefined;
    this.lent = true;
    if (current) await db.ensureCurrent(start);
    return db;
  }

  private databaseTarget(): DatabaseTarget {
    return {
      databaseUrl: this.config.databaseUrl,
      dataDir: this.config.dataDir,
      transactionPooler: this.config.transactionPooler,
      // Direct mode works in one tenant, for the whole session: the process is one person's.
      scope: { tenant: this.config.tenant },
      onWait: () => this.output.note('the embedded database is in use by another epicevents process; waiting for it to finish'),
    };
  }

  async close(): Promise<void> {
    this.serverBackend?.close();
    const db = await this.database?.catch(() => undefined);
    if (this.lent || !db) return;
    await db.close();
    if (db.embedded) await this.keepOpen(db.target.dataDir);
  }

  /**
   * After a command that opened the embedded database itself (about 0.4 s of the command), a
   * process keeps it open for the next ones (`serve --keep-open`), which then take the server
   * mode's path: EPICEVENTS_KEEP_OPEN, by default 5 minutes after commands run at a terminal.
   */
  private async keepOpen(dataDir: string): Promise<void> {
    if (this.commandName === 'serve') return;
    const { seconds, atTerminalOnly } = this.config.keepOpen;
    if (seconds === 0 || (atTerminalOnly && !this.output.streams.stdout.isTTY)) return;
    const { startKeptOpenServer } = await import('../config/embedded-server');
    await startKeptOpenServer(dataDir, seconds, this.env);
  }
}

/** TypeORM and the entities load on the first database use, so `--help` and `help` never pay for them. */
async function loadDatabase(): Promise<typeof Database> {
  return (await import('../database/database')).Database;
}
