import { joinTransaction } from '../../src/database/sql-runner';
import { createClient } from '../../src/services/client.service';
import { importClients } from '../../src/services/client-import.service';
import { readCsv } from '../../src/csv/csv-parser';
import { Readable } from 'node:stream';
import { actorFor, insertEmployee } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

/**
 * The seam a server uses to run a whole request in one transaction: services given
 * `joinTransaction(manager)` write inside the caller's transaction, and their own transactions
 * become savepoints of it.
 */
let sdb: ServiceDatabase;
beforeAll(async () => {
  sdb = await openServiceDatabase();
});
afterAll(async () => sdb.close());

const newClient = (email: string) => ({ fullName: 'Kevin Casey', email, phone: '+33 6 12 34 56 78', companyName: 'Cool Startup LLC' });
const clientCount = async (email: string) =>
  Number(((await sdb.sql.query('SELECT count(*) AS n FROM clients WHERE email = $1', [email])) as { n: string }[])[0].n);

/** Thrown to roll the outer transaction back. */
class RequestFailed extends Error {}

describe('joinTransaction', () => {
  it('should write nothing when the transaction the services joined is rolled back', async () => {
    const sales = actorFor(await insertEmployee(sdb.sql, { role: 'SALES' }));
    const rolledBack = sdb.db.transaction(async (manager) => {
      const created = await createClient(joinTransaction(manager), sales, newClient('joined-rollback@startup.io'));
      // Visible inside the request's transaction…
      expect(await manager.query('SELECT id FROM clients WHERE id = $1', [created.id])).toHaveLength(1);
      throw new RequestFailed();
    });
    await expect(rolledBack).rejects.toBeInstanceOf(RequestFailed);
    // …and gone with it, the audit entry too.
    expect(await clientCount('joined-rollback@startup.io')).toBe(0);
    expect(await sdb.sql.query(`SELECT 1 FROM audit_log WHERE action = 'client.create' AND actor_id = $1`, [sales.id])).toHaveLength(0);
  });

  it('should commit the services’ work with the transaction it joined', async () => {
    const sales = actorFor(await insertEmployee(sdb.sql, { role: 'SALES' }));
    await sdb.db.transaction(async (manager) => {
      const runner = joinTransaction(manager);
      await createClient(runner, sales, newClient('joined-one@startup.io'));
      await createClient(runner, sales, newClient('joined-two@startup.io'));
    });
    expect((await clientCount('joined-one@startup.io')) + (await clientCount('joined-two@startup.io'))).toBe(2);
  });

  it('should undo only a service’s own failed transaction, as a savepoint, and keep the rest of the request', async () => {
    const sales = actorFor(await insertEmployee(sdb.sql, { role: 'SALES' }));
    const file = 'full_name,email,phone,company_name\nAna,joined-import@startup.io,+33 6 12 34 56 78,Acme\nBad,not-an-email,+33 6 12 34 56 78,Acme\n';
    await sdb.db.transaction(async (manager) => {
      const runner = joinTransaction(manager);
      await createClient(runner, sales, newClient('joined-before-import@startup.io'));
      // Without skipInvalid, one bad line rolls the import's own transaction back.
      const summary = await importClients(runner, sales, readCsv(Readable.from([file])), { skipInvalid: false, onRejected: () => undefined });
      expect(summary).toMatchObject({ refused: true, imported: 0 });
    });
    expect(await clientCount('joined-before-import@startup.io')).toBe(1);
    expect(await clientCount('joined-import@startup.io')).toBe(0);
  });

  it('should undo a failed savepoint nested in one that succeeded, and nothing of the outer work', async () => {
    const sales = actorFor(await insertEmployee(sdb.sql, { role: 'SALES' }));
    await sdb.db.transaction(async (manager) => {
      const runner = joinTransaction(manager);
      await runner.transaction(async (outer) => {
        await createClient(joinTransaction(outer), sales, newClient('nested-before@startup.io'));
        const inner = joinTransaction(outer).transaction(async (work) => {
          await createClient(joinTransaction(work), sales, newClient('nested-inner@startup.io'));
          throw new RequestFailed();
        });
        await expect(inner).rejects.toBeInstanceOf(RequestFailed);
        await createClient(joinTransaction(outer), sales, newClient('nested-after@startup.io'));
      });
      // A later savepoint in the same transaction starts from what the earlier ones left.
      await runner.transaction(async (again) => createClient(joinTransaction(again), sales, newClient('nested-later@startup.io')));
    });
    expect(await clientCount('nested-before@startup.io')).toBe(1);
    expect(await clientCount('nested-inner@startup.io')).toBe(0);
    expect(await clientCount('nested-after@startup.io')).toBe(1);
    expect(await clientCount('nested-later@startup.io')).toBe(1);
  });

  it('should refuse a manager that is not inside a transaction', () => {
    expect(() => joinTransaction(sdb.db.manager)).toThrow(/open transaction/);
  });
});

describe('Database.transactionStartingWith', () => {
  const first = { sql: `SELECT now()::text AS started, current_setting('transaction_isolation') AS isolation, $1::int AS echoed`, params: [42] };

  it('should run its first statement inside the transaction, after the isolation level is set', async () => {
    for (const [isolation, expected] of [[undefined, 'read committed'], ['REPEATABLE READ', 'repeatable read']] as const) {
      const seen = await sdb.db.transactionStartingWith(
        first,
        async (manager, rows) => ({ rows, later: ((await manager.query('SELECT now()::text AS started')) as { started: string }[])[0].started }),
        isolation,
      );
      expect(seen.rows).toEqual([{ started: seen.later, isolation: expected, echoed: 42 }]);
    }
  });

  it('should roll back when its work throws, and refuse a first statement that fails, leaving the connections usable', async () => {
    const sales = actorFor(await insertEmployee(sdb.sql, { role: 'SALES' }));
    const failed = sdb.db.transactionStartingWith(first, async (manager) => {
      await createClient(joinTransaction(manager), sales, newClient('started-rollback@startup.io'));
      throw new RequestFailed();
    });
    await expect(failed).rejects.toBeInstanceOf(RequestFailed);
    expect(await clientCount('started-rollback@startup.io')).toBe(0);
    let ran = false;
    await expect(sdb.db.transactionStartingWith({ sql: 'SELECT 1 / $1::int AS n', params: [0] }, async () => (ran = true))).rejects.toThrow(/division by zero/);
    expect(ran).toBe(false);
    for (let i = 0; i < 5; i += 1) expect(await sdb.db.transactionStartingWith(first, async (_manager, rows) => rows[0].echoed)).toBe(42);
  });
});
