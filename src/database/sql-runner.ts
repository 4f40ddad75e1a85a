import { type EntityManager } from 'typeorm';

/** The isolation levels a service asks for (PostgreSQL's default is READ COMMITTED). */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * What a service needs of the database, and nothing more: reads, one-statement writes, and
 * transactions. `Database` is one (each call on its own connection from the pool); a request that
 * must do all its work in one transaction gives the services `joinTransaction(manager)` instead.
 * Services take this, never a `Database`, and never reach the DataSource behind it.
 */
export interface SqlRunner {
  /** For reads through the query builder and repositories. */
  readonly manager: EntityManager;
  /** One parameterised statement. */
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T>;
}

/**
 * A runner whose every call happens inside the transaction `manager` belongs to, which its owner
 * opened and will commit or roll back (a whole HTTP request, and later the tenant set inside it).
 * `transaction()` becomes a savepoint of it: work that fails is undone alone, as a transaction of
 * its own would be, and the caller sees the same error. Work that succeeds leaves its savepoint to
 * the outer COMMIT, which releases it, rather than a RELEASE of its own: one round trip less per
 * service call, and for a payment one less while it holds the contract's row, which the next
 * payment waits for (docs/performance.md). Two differences with `Database`:
 * - the isolation level is the outer transaction's (open it at the level the work needs, e.g.
 *   REPEATABLE READ for the report's consistent snapshot);
 * - nothing commits before the outer transaction does. Work that must stay written although the
 *   request then fails (the lockout counter of a wrong password, the audit entry of a failed
 *   password change) needs its own transactions: run the session operations on the `Database`.
 */
export function joinTransaction(manager: EntityManager): SqlRunner {
  if (!manager.queryRunner?.isTransactionActive) throw new Error('joinTransaction needs the manager of an open transaction');
  return {
    manager,
    query: (sql, params) => manager.query(sql, params),
    transaction: async (work) => {
      const savepoint = `service_work_${(savepointCount += 1)}`;
      await manager.query(`SAVEPOINT ${savepoint}`);
      try {
        return await work(manager);
      } catch (error) {
        // The work's own error is the one to report; a transaction that cannot roll back to its
        // savepoint is aborted, and the outer one then fails too.
        await manager.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
        throw error;
      }
    },
  };
}

/** Names `joinTransaction`'s savepoints: unique in the process, so nested and successive ones never share a name. */
let savepointCount = 0;
