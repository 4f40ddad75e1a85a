import { type Database } from '../database/database';

/**
 * How requests reach the database. A PostgreSQL server takes them in parallel, each on a
 * connection of the pool. The embedded engine is a single session, where the transactions of two
 * requests would interleave their statements: there, requests take turns.
 */
export interface RequestDatabase {
  use<T>(work: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function requestDatabase(db: Database): RequestDatabase {
  if (!db.embedded) return { use: (work) => work(db), close: () => db.close() };
  let previous: Promise<unknown> = Promise.resolve();
  return {
    use: (work) => {
      const turn = previous.then(() => work(db));
      previous = turn.catch(() => undefined);
      return turn;
    },
    close: async () => {
      await previous;
      await db.close();
    },
  };
}
