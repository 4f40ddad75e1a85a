import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, loggedIn, login, type TestUser, userFor } from '../support/users';

/**
 * The audit trail and notifications through the CLI: one entry per successful write, in
 * the same transaction (none for a refused command); notifications for the right people only.
 */
let db: TestDatabase;
let manager: TestUser;
let sales: TestUser & { id: number };
let support: TestUser & { id: number };

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
async function audited(user: TestUser, args: string[], expectedCode = 0, stdin?: string): Promise<AuditRow[]> {
  const before = await lastAuditId();
  const result = await user.run(args, { stdin });
  expect({ args, code: result.code, stderr: result.code === expectedCode ? '' : result.stderr }).toEqual({ args, code: expectedCode, stderr: '' });
  return auditSince(before);
}

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
  sales = await loggedIn(db, 'SALES', 'bill@epic.events');
  support = await loggedIn(db, 'SUPPORT', 'kate@epic.events');
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
    expect(assign).toEqual([expect.objectContaining({ action: 'event.assign-support', entity_id: Number(eventId) })]);
    expect(assign[0].changes.supportContactId).toEqual({ before: null, after: support.id });

    expect(await audited(support, ['event', 'update', eventId, '--notes', 'DJ booked'])).toEqual([
      expect.objectContaining({ changes: { notes: { before: '', after: 'DJ booked' } } }),
    ]);
  });

  it('should append exactly one entry for each other kind of write: employees, passwords, deletions, contract updates, imports', async () => {
    const created = await audited(manager, ['employee', 'create', '--first-name', 'Lea', '--last-name', 'Roy', '--email', 'lea@epic.events', '--role', 'SALES']);
    expect(created).toEqual([expect.objectContaining({ action: 'employee.create', entity_type: 'employee', actor_id: expect.any(Number) })]);
    expect(created[0].changes.email).toEqual({ before: null, after: 'lea@epic.events' });
    const id = String(created[0].entity_id);

    const steps: [args: string[], action: string, field: string, change: { before: unknown; after: unknown }][] = [
      [['employee', 'update', id, '--role', 'SUPPORT'], 'employee.update', 'role', { before: 'SALES', after: 'SUPPORT' }],
      [['employee', 'deactivate', id], 'employee.deactivate', 'isActive', { before: true, after: false }],
      [['employee', 'reactivate', id], 'employee.reactivate', 'isActive', { before: false, after: true }],
      [['employee', 'reset-password', id], 'employee.reset-password', 'password', { before: '(hidden)', after: '(reset)' }],
    ];
    for (const [args, action, field, change] of steps) {
      const entries = await audited(manager, args);
      expect(entries).toEqual([expect.objectContaining({ action, entity_type: 'employee', entity_id: Number(id) })]);
      expect(entries[0].changes[field]).toEqual(change);
    }

    const lea = userFor(db, 'lea@epic.events');
    const reset = await manager.run(['employee', 'reset-password', id, '--json']);
    await login(lea, reset.json<{ oneTimePassword: string }>().oneTimePassword);
    const [changed, ...extra] = await audited(lea, ['password', 'change', '--stdin'], 0, `${reset.json<{ oneTimePassword: string }>().oneTimePassword}\nA-fresh-passphrase-for-Lea\n`);
    expect(extra).toEqual([]);
    expect(changed).toMatchObject({ action: 'employee.password-change', entity_id: Number(id), changes: { mustChangePassword: { before: true, after: false } } });

    const client = await insertClient(db, { salesContactId: sales.id });
    const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, totalAmount: '1000.00' });
    expect(await audited(manager, ['contract', 'update', String(contract.id), '--total', '1200', '--amount-due', '1200'])).toEqual([
      expect.objectContaining({
        action: 'contract.update',
        changes: { totalAmount: { before: '1000.00', after: '1200.00' }, amountDue: { before: '1000.00', after: '1200.00' } },
      }),
    ]);
    const deleted = await audited(manager, ['contract', 'delete', String(contract.id), '--yes']);
    expect(deleted).toEqual([expect.objectContaining({ action: 'contract.delete', entity_id: contract.id })]);
    expect(deleted[0].changes.totalAmount).toEqual({ before: '1200.00', after: null });
    const clientDeleted = await audited(manager, ['client', 'delete', String(client.id), '--yes']);
    expect(clientDeleted).toEqual([expect.objectContaining({ action: 'client.delete', entity_id: client.id })]);
    expect(clientDeleted[0].changes.email).toEqual({ before: client.email, after: null });

    const signed = await insertContract(db, { clientId: (await insertClient(db, { salesContactId: sales.id })).id, salesContactId: sales.id, isSigned: true });
    const event = await insertEvent(db, { contractId: signed.id, name: 'Gala' });
    const eventDeleted = await audited(manager, ['event', 'delete', String(event.id), '--yes']);
    expect(eventDeleted).toEqual([expect.objectContaining({ action: 'event.delete', entity_id: event.id })]);
    expect(eventDeleted[0].changes.name).toEqual({ before: 'Gala', after: null });

    const csv = 'full_name,email,phone,company_name\nAnn One,ann@import.io,+33612345601,One SA\nBob Two,bob@import.io,+33612345602,Two SA\n';
    expect(await audited(sales, ['client', 'import', '-'], 0, csv)).toEqual([
      expect.objectContaining({ action: 'client.import', entity_type: 'client', entity_id: null, actor_id: sales.id, changes: { imported: { before: null, after: 2 } } }),
    ]);
    expect(await audited(sales, ['client', 'import', '-'], 2, 'full_name,email,phone,company_name\nCid,not-an-email,+33612345603,Three SA\n')).toEqual([]);

    const deletedLea = await audited(manager, ['employee', 'delete', id, '--yes']);
    expect(deletedLea).toEqual([expect.objectContaining({ action: 'employee.delete', entity_id: Number(id) })]);
    expect(deletedLea[0].changes.email).toEqual({ before: 'lea@epic.events', after: null });
  });

  it('should record each record an `employee delete --reassign-to` hands over, and tell the new support person', async () => {
    const leaving = await insertEmployee(db, { role: 'SUPPORT' });
    const taking = await insertEmployee(db, { role: 'SUPPORT' });
    const contract = await insertContract(db, { clientId: (await insertClient(db, { salesContactId: sales.id })).id, salesContactId: sales.id, isSigned: true });
    const events = [await insertEvent(db, { contractId: contract.id, supportContactId: leaving.id }), await insertEvent(db, { contractId: contract.id, supportContactId: leaving.id })];
    const entries = await audited(manager, ['employee', 'delete', String(leaving.id), '--reassign-to', String(taking.id), '--yes']);
    expect(entries.map((e) => [e.action, e.entity_id])).toEqual([
      ['event.update', events[0].id],
      ['event.update', events[1].id],
      ['employee.delete', leaving.id],
    ]);
    expect(entries[0].changes).toEqual({ supportContactId: { before: leaving.id, after: taking.id } });
    expect(entries[2].changes.reassignedTo).toEqual({ before: null, after: taking.id });
    const notices = await db.query<{ kind: string; entity_id: number }>('SELECT kind, entity_id FROM notifications WHERE recipient_id = $1 ORDER BY id', [taking.id]);
    expect(notices).toEqual(events.map((e) => ({ kind: 'event_assigned', entity_id: e.id })));
  });

  it('should leave no entry when the command fails after its entry was written (same transaction)', async () => {
    const owner = await insertEmployee(db, { role: 'SALES' });
    const contract = await insertContract(db, { clientId: (await insertClient(db, { salesContactId: owner.id })).id, salesContactId: owner.id });
    // The signature's notification comes after its audit entry: make that last insert fail.
    await db.query(`CREATE FUNCTION refuse_notification() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'notifications are down'; END $$`);
    await db.query('CREATE TRIGGER refuse_notification BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION refuse_notification()');
    try {
      const before = await lastAuditId();
      const result = await manager.run(['contract', 'sign', String(contract.id)]);
      expect(result.code).not.toBe(0);
      expect(await auditSince(before)).toEqual([]);
      expect((await db.query<{ is_signed: boolean }>('SELECT is_signed FROM contracts WHERE id = $1', [contract.id]))[0].is_signed).toBe(false);
    } finally {
      await db.query('DROP TRIGGER refuse_notification ON notifications');
      await db.query('DROP FUNCTION refuse_notification()');
    }
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
    const signs = (await manager.run(['audit', 'list', '--action', 'contract.sign', '--json'])).json<{ action: string; entityId: number }[]>();
    expect(signs.map((s) => s.action)).toEqual(['contract.sign']);
    const mine = (await manager.run(['audit', 'list', '--actor', String(support.id), '--json'])).json<{ actorId: number }[]>();
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.actorId === support.id)).toBe(true);
    const [signed] = signs;
    const ofContract = (await manager.run(['audit', 'list', '--entity', `contract:${signed.entityId}`, '--json'])).json<{ entityType: string; entityId: number; action: string }[]>();
    expect(ofContract.map((e) => e.action)).toEqual(expect.arrayContaining(['contract.create', 'contract.sign', 'contract.pay']));
    expect(ofContract.every((e) => e.entityType === 'contract' && e.entityId === signed.entityId)).toBe(true);
    const clients = (await manager.run(['audit', 'list', '--entity', 'client', '--json'])).json<{ entityType: string }[]>();
    expect(clients.length).toBeGreaterThan(0);
    expect(clients.every((e) => e.entityType === 'client')).toBe(true);
    for (const bad of ['session', 'contract:x', 'contract:1:2']) expect((await manager.run(['audit', 'list', '--entity', bad])).code).toBe(2);
    const table = await manager.run(['audit', 'list', '--entity', `contract:${signed.entityId}`, '--action', 'contract.pay']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`contract\\.pay [│|] contract ${signed.entityId} +[│|] amount`)); // ASCII without a UTF-8 locale, cut with "..."
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
    const salesperson = await loggedIn(db, 'SALES', 'sam@epic.events');
    const other = await loggedIn(db, 'SUPPORT', 'otto@epic.events');
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
    const owner = await loggedIn(db, 'SALES', 'olga@epic.events');
    const client = await insertClient(db, { salesContactId: owner.id });
    const contract = await insertContract(db, { clientId: client.id, salesContactId: owner.id, isSigned: true });
    const soon = await insertEvent(db, { contractId: contract.id, startAt: new Date(Date.now() + 3 * 86400_000), name: 'Soon' });
    await insertEvent(db, { contractId: contract.id, startAt: new Date(Date.now() + 30 * 86400_000), name: 'Later' });
    await insertEvent(db, { contractId: contract.id, startAt: new Date(Date.now() - 86400_000), name: 'Yesterday' });
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
    expect(who.stdout).not.toMatch(/unread/);

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
    expect(result.stdout).not.toMatch(/unread/);
    expect(() => result.json()).not.toThrow();
  });
});
