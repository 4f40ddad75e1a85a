import { type QueryRunner } from 'typeorm';
import { Database } from '../../src/database/database';
import { DEFAULT_TENANT } from '../../src/domain/tenancy';
import { CliError } from '../../src/errors/cli-error';
import { recordPayment, signContract } from '../../src/services/contract.service';
import { createEvent, updateEvent } from '../../src/services/event.service';
import { fromCents, toCents } from '../../src/validation/parse';
import { actorFor, type EmployeeRow, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';
import { serverUrl } from '../support/test-database';

/**
 * Races on a real server, made deterministic: a separate transaction holds the row lock while
 * every contender starts, the test waits until all of them are blocked on that lock, then lets
 * go, so they really hit the row at the same moment. (The embedded engine has one connection:
 * nothing can interleave there, so these run only with TEST_DATABASE_URL.)
 */
const onServer = serverUrl() ? describe : describe.skip;

let sdb: ServiceDatabase;
let managerRow: EmployeeRow;
let secondManagerRow: EmployeeRow;
let salesRow: EmployeeRow;

beforeAll(async () => {
  sdb = await openServiceDatabase();
  managerRow = await insertEmployee(sdb.sql, { role: 'MANAGEMENT' });
  secondManagerRow = await insertEmployee(sdb.sql, { role: 'MANAGEMENT' });
  salesRow = await insertEmployee(sdb.sql, { role: 'SALES' });
});
afterAll(async () => sdb.close());

/** Holds `SELECT … FOR UPDATE` on one row until `release()`; nothing is changed. */
async function holdRowLock(table: 'contracts' | 'events', id: number): Promise<{ release(): Promise<void> }> {
  const runner: QueryRunner = sdb.db.dataSource.createQueryRunner();
  await runner.startTransaction();
  await runner.query(`SELECT id FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
  return {
    release: async () => {
      await runner.rollbackTransaction();
      await runner.release();
    },
  };
}

/** Waits until `count` sessions of this database are blocked waiting for a lock. */
async function waitForBlocked(count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    // As the superuser: the tenant role may not see what other sessions wait for.
    const [{ n }] = await sdb.testDb.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${count} sessions reached the lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const outcome = (promise: Promise<unknown>): Promise<'ok' | CliError> =>
  promise.then(
    () => 'ok' as const,
    (error: unknown) => {
      if (error instanceof CliError) return error;
      throw error;
    },
  );

onServer('concurrent writes on one contract or event', () => {
  it('should never take the amount due below zero with 20 simultaneous payments from separate connections', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, totalAmount: '1000.00', isSigned: true });
    // 20 payments from 50.07 to 126.07: together far more than the 1000.00 due.
    const amounts = Array.from({ length: 20 }, (_, i) => fromCents(5007n + BigInt(i) * 400n));
    const connections = await Promise.all(amounts.map(() => Database.open({ databaseUrl: sdb.testDb.url, dataDir: '', scope: { tenant: DEFAULT_TENANT } })));
    try {
      const lock = await holdRowLock('contracts', contract.id);
      const results = amounts.map((amount, i) => outcome(recordPayment(connections[i], actorFor(managerRow), contract.id, amount)));
      await waitForBlocked(20);
      await lock.release();
      const settled = await Promise.all(results);

      const accepted = amounts.filter((_, i) => settled[i] === 'ok');
      const refused = settled.filter((r): r is CliError => r !== 'ok');
      expect(accepted.length + refused.length).toBe(20);
      expect(accepted.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      for (const error of refused) {
        expect(error.code).toBe('conflict');
        expect(error.message).toMatch(/^payment of \d+\.\d{2} exceeds the amount due \d+\.\d{2}$/);
      }

      const [{ due }] = (await sdb.sql.query('SELECT amount_due::text AS due FROM contracts WHERE id = $1', [contract.id])) as { due: string }[];
      expect(toCents(due)).toBeGreaterThanOrEqual(0n);
      const paid = accepted.reduce((sum, amount) => sum + toCents(amount), 0n);
      expect(fromCents(toCents('1000.00') - paid)).toBe(due);
      // A payment was refused only because it exceeded what was due then; the due only went down since.
      const refusedAmounts = amounts.filter((_, i) => settled[i] !== 'ok');
      for (const amount of refusedAmounts) expect(toCents(amount)).toBeGreaterThan(toCents(due));

      const [{ n }] = (await sdb.sql.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'contract.pay' AND entity_id = $1`, [
        contract.id,
      ])) as { n: number }[];
      expect(n).toBe(accepted.length);
    } finally {
      await Promise.all(connections.map((db) => db.close()));
    }
  });

  it('should sign a contract once when two people sign it at the same moment', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id });
    const lock = await holdRowLock('contracts', contract.id);
    const results = [
      outcome(signContract(sdb.db, actorFor(managerRow), contract.id)),
      outcome(signContract(sdb.db, actorFor(salesRow), contract.id)),
    ];
    await waitForBlocked(2);
    await lock.release();
    const settled = await Promise.all(results);
    expect(settled.filter((r) => r === 'ok')).toHaveLength(1);
    expect(settled.find((r) => r !== 'ok')).toMatchObject({ code: 'conflict', message: `contract ${contract.id} is already signed` });
    const [{ n }] = (await sdb.sql.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'contract.sign' AND entity_id = $1`, [
      contract.id,
    ])) as { n: number }[];
    expect(n).toBe(1);
  });

  it('should refuse an event by a salesperson whose client is handed to someone else at that moment, creating nothing', async () => {
    const newOwner = await insertEmployee(sdb.sql, { role: 'SALES' });
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, isSigned: true });
    // A manager's reassignment, written but not yet committed, when the old owner creates the event.
    const reassignment: QueryRunner = sdb.db.dataSource.createQueryRunner();
    await reassignment.startTransaction();
    await reassignment.query('UPDATE clients SET sales_contact_id = $2, version = version + 1 WHERE id = $1', [client.id, newOwner.id]);
    const attempt = outcome(
      createEvent(sdb.db, actorFor(salesRow), {
        contractId: contract.id,
        name: 'Late party',
        startAt: new Date('2031-03-01T18:00:00Z'),
        endAt: new Date('2031-03-01T23:00:00Z'),
        location: 'Nantes',
        attendees: 20,
      }),
    );
    try {
      await waitForBlocked(1);
      await reassignment.commitTransaction();
    } finally {
      await reassignment.release();
    }
    expect(await attempt).toMatchObject({ code: 'forbidden' });
    expect(await sdb.sql.query('SELECT id FROM events WHERE contract_id = $1', [contract.id])).toHaveLength(0);
  });

  it('should refuse one of two interleaved updates of an event that read the same version', async () => {
    const support = await insertEmployee(sdb.sql, { role: 'SUPPORT' });
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, isSigned: true });
    const event = await insertEvent(sdb.sql, { contractId: contract.id, supportContactId: support.id, attendees: 75 });
    const lock = await holdRowLock('events', event.id);
    // Neither passes an expected version: each reads version 1 inside its own transaction.
    const results = [
      outcome(updateEvent(sdb.db, actorFor(managerRow), event.id, { name: 'Renamed by management' })),
      outcome(updateEvent(sdb.db, actorFor(support), event.id, { attendees: 90 })),
    ];
    await waitForBlocked(2);
    await lock.release();
    const settled = await Promise.all(results);
    expect(settled.filter((r) => r === 'ok')).toHaveLength(1);
    expect(settled.find((r) => r !== 'ok')).toMatchObject({ code: 'conflict' });
    const [row] = (await sdb.sql.query('SELECT name, attendees, version FROM events WHERE id = $1', [event.id])) as {
      name: string;
      attendees: number;
      version: number;
    }[];
    expect(row.version).toBe(2);
    // Exactly one of the two changes landed, never a mix.
    const first = settled[0] === 'ok';
    expect(row).toMatchObject(first ? { name: 'Renamed by management', attendees: 75 } : { name: event.name, attendees: 90 });
    const [{ n }] = (await sdb.sql.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'event' AND entity_id = $1`, [event.id])) as {
      n: number;
    }[];
    expect(n).toBe(1);
  });

  it('should let one of two managers assigning different support people win; the other gets a conflict', async () => {
    const kate = await insertEmployee(sdb.sql, { role: 'SUPPORT' });
    const otto = await insertEmployee(sdb.sql, { role: 'SUPPORT' });
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, isSigned: true });
    const event = await insertEvent(sdb.sql, { contractId: contract.id });
    const lock = await holdRowLock('events', event.id);
    const results = [
      outcome(updateEvent(sdb.db, actorFor(managerRow), event.id, { supportContactId: kate.id })),
      outcome(updateEvent(sdb.db, actorFor(secondManagerRow), event.id, { supportContactId: otto.id })),
    ];
    await waitForBlocked(2);
    await lock.release();
    const settled = await Promise.all(results);
    expect(settled.filter((r) => r === 'ok')).toHaveLength(1);
    expect(settled.find((r) => r !== 'ok')).toMatchObject({ code: 'conflict' });
    const winner = settled[0] === 'ok' ? kate : otto;
    const [row] = (await sdb.sql.query('SELECT support_contact_id, version FROM events WHERE id = $1', [event.id])) as {
      support_contact_id: number;
      version: number;
    }[];
    expect(row).toEqual({ support_contact_id: winner.id, version: 2 });
    // The loser's transaction rolled back whole: no audit entry, no notification of its own.
    const notices = await sdb.sql.query(`SELECT recipient_id, kind FROM notifications WHERE entity_type = 'event' AND entity_id = $1`, [event.id]);
    expect(notices).toEqual([{ recipient_id: winner.id, kind: 'event_assigned' }]);
    const audit = await sdb.sql.query(`SELECT action FROM audit_log WHERE entity_type = 'event' AND entity_id = $1`, [event.id]);
    expect(audit).toEqual([{ action: 'event.assign-support' }]);
  });
});
