import { EventEmitter } from 'node:events';
import { PGlite, types, type PGliteOptions } from '@electric-sql/pglite';

type Callback = (error: Error | null, result?: unknown) => void;

/**
 * The node-postgres driver TypeORM's Postgres driver is given for the embedded engine: its `Pool`
 * runs every query on one PGlite of its own, opened on first use and closed by `end()` (the
 * DataSource's destroy). One instance per DataSource, not one per process: a process that opens
 * two data folders (the test runner) must get two databases, and a folder opened while another
 * one closes must not get the closing one.
 */
export function pgliteDriver(options: PGliteOptions): { Pool: new () => EventEmitter } {
  const serializers = { [types.BOOL]: booleanText, ...options.serializers };
  class Pool extends EventEmitter {
    private instance?: Promise<PGlite>;

    private open(): Promise<PGlite> {
      this.instance ??= PGlite.create({ ...options, serializers });
      return this.instance;
    }

    /** TypeORM's connection is the pool itself: PGlite is one session, its queries run in turn. */
    connect(callback: (error: Error | null, client?: Pool, release?: () => void) => void): void {
      this.open().then(
        () => callback(null, this, () => undefined),
        (error: Error) => callback(error),
      );
    }

    async query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<unknown> {
      if (typeof params === 'function') [callback, params] = [params, undefined];
      try {
        const pg = await this.open();
        // Without parameters, a text may hold several statements (migrations): TypeORM wants the last result.
        const results = Array.isArray(params) && params.length > 0 ? await pg.query(sql, params) : ((await pg.exec(sql)).at(-1) ?? { rows: [], fields: [] });
        callback?.(null, results);
        return results;
      } catch (error) {
        callback?.(error as Error);
        throw error;
      }
    }

    end(callback?: (error: Error | null) => void): void {
      const closing = this.instance?.then((pg) => pg.close()) ?? Promise.resolve();
      this.instance = undefined;
      closing.then(
        () => callback?.(null),
        (error: Error) => callback?.(error),
      );
    }
  }
  return { Pool };
}

/** Booleans as PostgreSQL's words: TypeORM passes them as true/false, 1/0 or their text. */
function booleanText(value: unknown): string {
  if (value === true || value === 'true' || value === 1) return 'TRUE';
  if (value === false || value === 'false' || value === 0) return 'FALSE';
  return String(value);
}
