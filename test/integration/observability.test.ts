import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

/**
 * The audit trail and notifications through the real binary: one entry per successful write, in
 * the same transaction (none for a refused command); notifications for the right people only.
 */
let db: TestDatabase;
let manager: TestUser;
let sales: TestUser & { id: number };
let support: TestUser & { id: number };

async function loggedIn(role: 'SALES' | 'SUPPORT' | 'MANAGEMENT', email: string): Promise<TestUser & { id: number }> {
  const employee = await insertEmployee(db, { role, email });
  const user = userFor(db, email);
  await login(user, FACTORY_PASSWORD);
  return Object.assign(user, { id: employee.id });
}

interface AuditRow {
  action: string;
  entity_type: string;
  entity_id: number | null;
  actor_id: number | null;
  changes: Record<string, { before: unknown; after: unknown }>;
}

const lastAuditId = async () => Number((await db.query<{ id: string | null }>('SELECT max(id) AS id FROM audit_log'))[0].id ?? 0);
const auditSince = (id: number) => db.query<AuditRow>('SELECT action, entity_type, entity_id, actor_id, changes FROM audit_log WHERE id > $1 ORDER BY id', [id]);

/** Runs a command and returns the audit entries it appended. */
async function audited(user: TestUser, args: string[], expectedCode = 0): Promise<AuditRow[]> {
  const before = await lastAuditId();
  const result = await user.run(args);
  expect({ args, code: result.code, stderr: result.code === expectedCode ? '' : result.stderr }).toEqual({ args, code: expectedCode, stderr: '' });
  return auditSince(before);
}

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
  sales = await loggedIn('SALES', 'bill@epic.events');
  support = await loggedIn('SUPPORT', 'kate@epic.events');
});
afterAll(async () => db.close());

describe('audit trail', () => {
  it('should append exactly one entry per write, with the changed fields before → after', async () => {
    const [clientCreate] = await audited(sales, ['client', 'create', '--full-name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '+33612345678', '--company', 'Cool Startup LLC']);
    expect(clientCreate).toMatchObject({ action: 'client.create', entity_type: 'client', actor_id: sales.id });
    expect(clientCreate.changes.fullName).toEqual({ before: null, after: 'Kevin Casey' });
    const clientId = String(clientCreate.entity_id);

    expect(await audited(sales, ['client', 'update', clientId, '--company', 'Cool Startup SAS'])).toEqual([
      expect.objectContaining({ action: 'client.update', changes: { companyName: { before: 'Cool Startup LLC', after: 'Cool Startup SAS' } } }),
    ]);

    const [contractCreate, ...noMore] = await audited(manager, ['contract', 'create', '--client', clientId, '--total', '1500']);
    expect(noMore).toEqual([]);
    expect(contractCreate).toMatchObject({ action: 'contract.create', entity_type: 'contract' });
    const contractId = String(contractCreate.entity_id);

    const sign = await audited(sales, ['contract', 'sign', contractId]);
    expect(sign).toEqual([expect.objectContaining({ action: 'contract.sign' })]);
    expect(sign[0].changes.isSigned).toEqual({ before: false, after: true });

    const pay = await audited(sales, ['contract', 'pay', contractId, '--amount', '500.50']);
    expect(pay).toEqual([expect.objectContaining({ action: 'contract.pay' })]);
    expect(pay[0].changes.amountDue).toEqual({ before: '1500.00', after: '999.50' });

    const [eventCreate, ...rest] = await audited(sales, [
      'event', 'create', '--contract', contractId, '--name', 'John Quick Wedding', '--start', '2031-06-04T13:00', '--end', '2031-06-05T02:00',
      '--location', '53 Rue du Château, 41120 Candé-sur-Beuvron, France', '--attendees', '75',
    ]);
    expect(rest).toEqual([]);
    expect(eventCreate).toMatchObject({ action: 'event.create', entity_type: 'event' });
    const eventId = String(eventCreate.entity_id);

    const assign = await audited(manager, ['event', 'update', eventId, '--support', String(support.id)]);
    expect(assign).toHaveLength(1);
    expect(assign[0].changes.supportContactId).toEqual({ before: null, after: support.id });

    expect(await audited(support, ['event', 'update', eventId, '--notes', 'DJ booked'])).toEqual([
      expect.objectContaining({ changes: { notes: { before: '', after: 'DJ booked' } } }),
    ]);
  });

  it('should never record a password hash', async () => {
    await audited(manager, ['employee', 'create', '--first-name', 'Nina', '--last-name', 'S', '--email', 'nina@epic.events', '--role', 'SALES']);
    const rows = await db.query<{ changes: string }>('SELECT changes::text AS changes FROM audit_log');
    for (const row of rows) expect(row.changes).not.toMatch(/argon2|password_hash|passwordHash/);
  });

  it('should append nothing for a refused or invalid command', async () => {
    const client = await insertClient(db, { salesContactId: sales.id });
    expect(await audited(support, ['contract', 'create', '--client', String(client.id), '--total', '10'], 4)).toEqual([]);
    expect(await audited(manager, ['contract', 'create', '--client', String(client.id), '--total', '1e3'], 2)).toEqual([]);
    expect(await audited(manager, ['client', 'delete', '999999', '--yes'], 5)).toEqual([]);
    expect(await audited(sales, ['client', 'create', '--full-name', 'Dup', '--email', 'KEVIN@startup.io', '--phone', '+33612345678', '--company', 'X'], 6)).toEqual([]);
  });

  it('should record logins and logouts', async () => {
    const user = userFor(db, 'bill@epic.events');
    const before = await lastAuditId();
    await login(user, FACTORY_PASSWORD);
    expect((await user.run(['logout'])).code).toBe(0);
    expect((await auditSince(before)).map((r) => [r.action, r.entity_id])).toEqual([
      ['session.login', sales.id],
      ['session.logout', sales.id],
    ]);
  });

  it('should let only MANAGEMENT read it, with filters', async () => {
    for (const user of [sales, support]) {
      const result = await user.run(['audit', 'list']);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/cannot read the audit trail/);
    }
    const signs = (await manager.run(['audit', 'list', '--action', 'contract.sign', '--json'])).json<{ action: string }[]>();
    expect(signs.map((s) => s.action)).toEqual(['contract.sign']);
    const mine = (await manager.run(['audit', 'list', '--actor', String(support.id), '--json'])).json<{ actorId: number }[]>();
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.actorId === support.id)).toBe(true);
    const future = (await manager.run(['audit', 'list', '--since', '2099-01-01', '--json'])).json<unknown[]>();
    expect(future).toEqual([]);
    const paged = await manager.run(['audit', 'list', '--limit', '2', '--json']);
    const [first, second] = paged.json<{ id: number }[]>();
    expect(first.id).toBeGreaterThan(second.id);
    expect(paged.stderr).toMatch(new RegExp(`next page: --cursor ${second.id}`));
  });

  it('should refuse UPDATE and DELETE on the audit table in the database', async () => {
    await expect(db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});

describe('notifications', () => {
  const notificationsOf = (id: number) => db.query<{ kind: string; entity_id: number }>('SELECT kind, entity_id FROM notifications WHERE recipient_id = $1 ORDER BY id', [id]);

  it('should tell support when an event is assigned and unassigned, sales when their contract is signed, managers when an event lacks support', async () => {
    const salesperson = await loggedIn('SALES', 'sam@epic.events');
    const other = await loggedIn('SUPPORT', 'otto@epic.events');
    const client = await insertClient(db, { salesContactId: salesperson.id });
    const contract = await insertContract(db, { clientId: client.id, salesContactId: salesperson.id });

    expect((await manager.run(['contract', 'sign', String(contract.id)])).code).toBe(0);
    expect(await notificationsOf(salesperson.id)).toEqual([{ kind: 'contract_signed', entity_id: contract.id }]);

    const managers = await db.query<{ id: number }>(`SELECT id FROM employees WHERE role = 'MANAGEMENT' AND is_active`);
    const created = await salesperson.run([
      'event', 'create', '--contract', String(contract.id), '--name', 'Launch', '--start', '2032-01-10T10:00', '--end', '2032-01-10T18:00',
      '--location', 'Paris', '--attendees', '40', '--json',
    ]);
    expect(created.code).toBe(0);
    const eventId = created.json<{ id: number }>().id;
    for (const { id } of managers) expect(await notificationsOf(id)).toContainEqual({ kind: 'event_needs_support', entity_id: eventId });

    expect((await manager.run(['event', 'update', String(eventId), '--support', String(other.id)])).code).toBe(0);
    expect(await notificationsOf(other.id)).toEqual([{ kind: 'event_assigned', entity_id: eventId }]);
    expect((await manager.run(['event', 'update', String(eventId), '--support', 'none'])).code).toBe(0);
    expect(await notificationsOf(other.id)).toEqual([
      { kind: 'event_assigned', entity_id: eventId },
      { kind: 'event_unassigned', entity_id: eventId },
    ]);
  });

  it('should tell the sales contact once when an event of their client starts within 7 days', async () => {
    const owner = await loggedIn('SALES', 'olga@epic.events');
    const client = await insertClient(db, { salesContactId: owner.id });
    const contract = await insertContract(db, { clientId: client.id, salesContactId: owner.id, isSigned: true });
    const soon = await insertEvent(db, { contractId: contract.id, startAt: new Date(Date.now() + 3 * 86400_000), name: 'Soon' });
    await insertEvent(db, { contractId: contract.id, startAt: new Date(Date.now() + 30 * 86400_000), name: 'Later' });
    expect((await support.run(['event', 'list'])).code).toBe(0); // anyone's command creates them
    expect((await manager.run(['whoami'])).code).toBe(0);
    expect((await notificationsOf(owner.id)).filter((n) => n.kind === 'event_upcoming')).toEqual([{ kind: 'event_upcoming', entity_id: soon.id }]);
  });

  it('should show each user only their own, mark them read, and count unread ones on stderr', async () => {
    for (const text of ['first notice', 'second notice']) {
      await db.query(`INSERT INTO notifications (recipient_id, kind, message) VALUES ($1, 'test', $2)`, [sales.id, text]);
    }
    const who = await sales.run(['whoami', '--json']);
    const unread = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NULL', [sales.id]))[0].n);
    expect(unread).toBeGreaterThan(0);
    expect(who.stderr).toMatch(new RegExp(`${unread} unread notification`));
    expect(() => who.json()).not.toThrow();

    const list = (await sales.run(['notification', 'list', '--json'])).json<{ id: number; isRead: boolean }[]>();
    expect(list).toHaveLength(unread);
    const someoneElses = (await db.query<{ id: number }>('SELECT id FROM notifications WHERE recipient_id <> $1 LIMIT 1', [sales.id]))[0].id;
    const foreign = await sales.run(['notification', 'read', String(someoneElses)]);
    expect(foreign.code).toBe(5);
    expect((await db.query<{ read_at: Date | null }>('SELECT read_at FROM notifications WHERE id = $1', [someoneElses]))[0].read_at).toBeNull();

    const one = await sales.run(['notification', 'read', String(list[0].id), '--json']);
    expect(one.json()).toMatchObject({ id: list[0].id, isRead: true });
    expect((await sales.run(['notification', 'list', '--unread', '--json'])).json<unknown[]>()).toHaveLength(unread - 1);
    expect((await sales.run(['notification', 'read', '--all'])).code).toBe(0);
    expect((await sales.run(['notification', 'list', '--unread', '--json'])).json<unknown[]>()).toEqual([]);
    expect((await sales.run(['whoami'])).stderr).not.toMatch(/unread/);
    expect((await sales.run(['notification', 'read'])).code).toBe(2);
  });

  it('should mention unread notifications on stderr at login, never inside the JSON', async () => {
    const result = await userFor(db, 'kate@epic.events').run(['login', '--email', 'kate@epic.events', '--password-stdin', '--json'], { stdin: `${FACTORY_PASSWORD}\n` });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/unread notification/);
    expect(JSON.stringify(result.json())).not.toMatch(/unread/);
  });
});
