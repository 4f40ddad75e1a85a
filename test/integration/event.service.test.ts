import { type Actor } from '../../src/auth/actor';
import { createEvent, deleteEvent, type EventFilters, listEvents, type NewEvent, updateEvent } from '../../src/services/event.service';
import { actorFor, type EmployeeRow, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

let sdb: ServiceDatabase;
let manager: Actor;
let managerRow: EmployeeRow;
let secondManager: EmployeeRow;
let retiredManager: EmployeeRow;
let salesRow: EmployeeRow;
let sales: Actor;
let kateRow: EmployeeRow;
let kate: Actor;
let otherSupport: EmployeeRow;

beforeAll(async () => {
  sdb = await openServiceDatabase();
  managerRow = await insertEmployee(sdb.sql, { role: 'MANAGEMENT' });
  manager = actorFor(managerRow);
  secondManager = await insertEmployee(sdb.sql, { role: 'MANAGEMENT' });
  retiredManager = await insertEmployee(sdb.sql, { role: 'MANAGEMENT', isActive: false });
  salesRow = await insertEmployee(sdb.sql, { role: 'SALES' });
  sales = actorFor(salesRow);
  kateRow = await insertEmployee(sdb.sql, { role: 'SUPPORT', firstName: 'Kate', lastName: 'Hastings' });
  kate = actorFor(kateRow);
  otherSupport = await insertEmployee(sdb.sql, { role: 'SUPPORT', firstName: 'Otto' });
});
afterAll(async () => sdb.close());

/** A client of the SALES employee with one contract (signed unless told otherwise). */
async function contractOfSales(isSigned = true, owner: EmployeeRow = salesRow) {
  const client = await insertClient(sdb.sql, { salesContactId: owner.id, fullName: 'John Quick', email: `john-${Date.now()}-${Math.random()}@example.com` });
  const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: owner.id, isSigned });
  return { client, contract };
}

const newEvent = (contractId: number, overrides: Partial<NewEvent> = {}): NewEvent => ({
  contractId,
  name: 'John Quick Wedding',
  startAt: new Date('2031-06-04T13:00:00Z'),
  endAt: new Date('2031-06-05T02:00:00Z'),
  location: '53 Rue du Château, 41120 Candé-sur-Beuvron, France',
  attendees: 75,
  notes: 'Wedding starts at 3PM, by the river.',
  ...overrides,
});

const auditOf = async (id: number) =>
  (await sdb.sql.query(`SELECT action, changes FROM audit_log WHERE entity_type = 'event' AND entity_id = $1 ORDER BY id`, [id])) as {
    action: string;
    changes: Record<string, { before: unknown; after: unknown }>;
  }[];

const notificationsFor = async (eventId: number) =>
  (await sdb.sql.query(`SELECT recipient_id, kind FROM notifications WHERE entity_type = 'event' AND entity_id = $1 ORDER BY id`, [eventId])) as {
    recipient_id: number;
    kind: string;
  }[];

const eventRow = async (id: number) =>
  ((await sdb.sql.query('SELECT name, start_at, end_at, support_contact_id, attendees, notes, version FROM events WHERE id = $1', [id])) as Record<
    string,
    unknown
  >[])[0];

describe('event create', () => {
  it("should create the event of a signed contract of the SALES employee's client, audit it and tell every active manager", async () => {
    const { client, contract } = await contractOfSales();
    const created = await createEvent(sdb.db, sales, newEvent(contract.id));
    expect(created).toMatchObject({
      contractId: contract.id,
      clientId: client.id,
      clientName: 'John Quick',
      clientEmail: client.email,
      clientPhone: client.phone,
      supportContactId: null,
      supportContactName: null,
      attendees: 75,
      version: 1,
    });
    expect(created.startAt.toISOString()).toBe('2031-06-04T13:00:00.000Z');
    expect((await auditOf(created.id)).map((a) => a.action)).toEqual(['event.create']);
    const notices = await notificationsFor(created.id);
    expect(notices.every((n) => n.kind === 'event_needs_support')).toBe(true);
    const recipients = notices.map((n) => n.recipient_id);
    expect(recipients).toEqual(expect.arrayContaining([managerRow.id, secondManager.id]));
    expect(recipients).not.toContain(retiredManager.id);
    expect(recipients).not.toContain(salesRow.id);
  });

  it('should refuse an unsigned contract with a conflict and create nothing', async () => {
    const { contract } = await contractOfSales(false);
    await expect(createEvent(sdb.db, sales, newEvent(contract.id))).rejects.toMatchObject({
      code: 'conflict',
      message: `contract ${contract.id} is not signed: events can only be created for signed contracts`,
    });
    expect(await sdb.sql.query('SELECT id FROM events WHERE contract_id = $1', [contract.id])).toHaveLength(0);
  });

  it('should refuse an end at or before the start as a validation error', async () => {
    const { contract } = await contractOfSales();
    const start = new Date('2031-06-04T13:00:00Z');
    await expect(createEvent(sdb.db, sales, newEvent(contract.id, { startAt: start, endAt: start }))).rejects.toMatchObject({ code: 'validation' });
    await expect(
      createEvent(sdb.db, sales, newEvent(contract.id, { startAt: start, endAt: new Date(start.getTime() - 60_000) })),
    ).rejects.toMatchObject({ code: 'validation' });
  });

  it('should accept zero attendees and an event of one minute', async () => {
    const { contract } = await contractOfSales();
    const start = new Date('2031-07-01T10:00:00Z');
    const created = await createEvent(sdb.db, sales, newEvent(contract.id, { attendees: 0, startAt: start, endAt: new Date(start.getTime() + 60_000), notes: undefined }));
    expect(created).toMatchObject({ attendees: 0, notes: '' });
  });

  it('should report an unknown contract as not found', async () => {
    await expect(createEvent(sdb.db, sales, newEvent(987654))).rejects.toMatchObject({ code: 'not_found', message: 'contract 987654 not found' });
  });
});

describe('event update', () => {
  /** From 13:00 to 02:00, on 2031-06-04 or `laterDays` after it (away from Kate's other events). */
  async function event(supportContactId: number | null = null, laterDays = 0) {
    const { contract } = await contractOfSales();
    const shift = laterDays * 86_400_000;
    return insertEvent(sdb.sql, {
      contractId: contract.id,
      supportContactId,
      startAt: new Date(Date.parse('2031-06-04T13:00:00Z') + shift),
      endAt: new Date(Date.parse('2031-06-05T02:00:00Z') + shift),
    });
  }

  it('should let the assigned SUPPORT employee edit the details, audited as event.update with before → after', async () => {
    const e = await event(kateRow.id);
    const updated = await updateEvent(sdb.db, kate, e.id, { attendees: 80, notes: 'DJ booked' });
    expect(updated).toMatchObject({ attendees: 80, notes: 'DJ booked', version: 2, supportContactName: 'Kate Hastings' });
    const audit = await auditOf(e.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toEqual({ action: 'event.update', changes: { attendees: { before: 75, after: 80 }, notes: { before: '', after: 'DJ booked' } } });
  });

  it('should assign a support person: audited as event.assign-support, the person notified', async () => {
    const e = await event(null, 100);
    const updated = await updateEvent(sdb.db, manager, e.id, { supportContactId: kateRow.id });
    expect(updated).toMatchObject({ supportContactId: kateRow.id, supportContactName: 'Kate Hastings' });
    expect(await auditOf(e.id)).toEqual([{ action: 'event.assign-support', changes: { supportContactId: { before: null, after: kateRow.id } } }]);
    expect(await notificationsFor(e.id)).toEqual([{ recipient_id: kateRow.id, kind: 'event_assigned' }]);
  });

  it('should tell the previous support person when replaced, and when the event is left without support', async () => {
    const e = await event(kateRow.id);
    await updateEvent(sdb.db, manager, e.id, { supportContactId: otherSupport.id });
    await updateEvent(sdb.db, manager, e.id, { supportContactId: null });
    expect(await notificationsFor(e.id)).toEqual([
      { recipient_id: kateRow.id, kind: 'event_unassigned' },
      { recipient_id: otherSupport.id, kind: 'event_assigned' },
      { recipient_id: otherSupport.id, kind: 'event_unassigned' },
    ]);
    expect((await eventRow(e.id)).support_contact_id).toBeNull();
  });

  it('should refuse a support person who is not an active SUPPORT employee (conflict) or does not exist (not found)', async () => {
    const e = await event();
    const retired = await insertEmployee(sdb.sql, { role: 'SUPPORT', isActive: false });
    await expect(updateEvent(sdb.db, manager, e.id, { supportContactId: salesRow.id })).rejects.toMatchObject({ code: 'conflict' });
    await expect(updateEvent(sdb.db, manager, e.id, { supportContactId: managerRow.id })).rejects.toMatchObject({ code: 'conflict' });
    await expect(updateEvent(sdb.db, manager, e.id, { supportContactId: retired.id })).rejects.toMatchObject({
      code: 'conflict',
      message: `employee ${retired.id} is deactivated and cannot support an event`,
    });
    await expect(updateEvent(sdb.db, manager, e.id, { supportContactId: 987654 })).rejects.toMatchObject({ code: 'not_found' });
    expect(await eventRow(e.id)).toMatchObject({ support_contact_id: null, version: 1 });
    expect(await auditOf(e.id)).toHaveLength(0);
  });

  it('should refuse a SUPPORT employee changing the support person, even on their own event', async () => {
    const e = await event(kateRow.id);
    await expect(updateEvent(sdb.db, kate, e.id, { supportContactId: otherSupport.id })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(updateEvent(sdb.db, kate, e.id, { supportContactId: null })).rejects.toMatchObject({ code: 'forbidden' });
    expect((await eventRow(e.id)).support_contact_id).toBe(kateRow.id);
  });

  it('should refuse an end before the stored start (conflict) and both given in the wrong order (validation)', async () => {
    const e = await event(kateRow.id);
    await expect(updateEvent(sdb.db, kate, e.id, { endAt: new Date('2031-06-04T13:00:00Z') })).rejects.toMatchObject({ code: 'conflict' });
    await expect(updateEvent(sdb.db, kate, e.id, { startAt: new Date('2031-06-05T02:00:00Z') })).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      updateEvent(sdb.db, kate, e.id, { startAt: new Date('2031-06-06T00:00:00Z'), endAt: new Date('2031-06-05T00:00:00Z') }),
    ).rejects.toMatchObject({ code: 'validation' });
    expect((await eventRow(e.id)).version).toBe(1);
    const moved = await updateEvent(sdb.db, kate, e.id, { startAt: new Date('2031-06-10T10:00:00Z'), endAt: new Date('2031-06-10T12:00:00Z') });
    expect(moved.endAt.toISOString()).toBe('2031-06-10T12:00:00.000Z');
  });

  it('should refuse an update with nothing to change as a usage error and write nothing for a no-op', async () => {
    const e = await event(kateRow.id);
    await expect(updateEvent(sdb.db, kate, e.id, {})).rejects.toMatchObject({ code: 'usage' });
    const same = await updateEvent(sdb.db, manager, e.id, { supportContactId: kateRow.id, attendees: 75 });
    expect(same.version).toBe(1);
    expect(await auditOf(e.id)).toHaveLength(0);
    expect(await notificationsFor(e.id)).toHaveLength(0);
  });

  it('should refuse a stale expected version with a conflict and leave the row as the first writer left it', async () => {
    const e = await event(kateRow.id);
    await updateEvent(sdb.db, kate, e.id, { name: 'First' }, 1);
    await expect(updateEvent(sdb.db, manager, e.id, { name: 'Second' }, 1)).rejects.toMatchObject({ code: 'conflict' });
    expect(await eventRow(e.id)).toMatchObject({ name: 'First', version: 2 });
  });

  it('should report an unknown event as not found', async () => {
    await expect(updateEvent(sdb.db, manager, 987654, { attendees: 1 })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('event delete', () => {
  it('should delete, audit and tell the support person', async () => {
    const { contract } = await contractOfSales();
    const e = await insertEvent(sdb.sql, { contractId: contract.id, supportContactId: kateRow.id });
    await deleteEvent(sdb.db, manager, e.id);
    expect(await sdb.sql.query('SELECT id FROM events WHERE id = $1', [e.id])).toHaveLength(0);
    expect((await auditOf(e.id)).map((a) => a.action)).toEqual(['event.delete']);
    expect(await notificationsFor(e.id)).toEqual([{ recipient_id: kateRow.id, kind: 'event_deleted' }]);
  });
});

describe('event list', () => {
  const ids = async (filters: EventFilters, actor: Actor = manager) => (await listEvents(sdb.db, actor, filters, { limit: 500 })).items.map((e) => e.id);

  it('should list with --from inclusive and --to exclusive: an event starting exactly at --to is left out', async () => {
    const { contract } = await contractOfSales();
    const at = (iso: string) => insertEvent(sdb.sql, { contractId: contract.id, startAt: new Date(iso), endAt: new Date(new Date(iso).getTime() + 3600_000) });
    const before = await at('2032-02-29T23:59:59Z');
    const atFrom = await at('2032-03-01T00:00:00Z');
    const inside = await at('2032-03-15T12:00:00Z');
    const justBeforeTo = await at('2032-03-31T23:59:59Z');
    const atTo = await at('2032-04-01T00:00:00Z');
    const from = new Date('2032-03-01T00:00:00Z');
    const to = new Date('2032-04-01T00:00:00Z');
    expect(await ids({ contractId: contract.id, from, to })).toEqual([atFrom.id, inside.id, justBeforeTo.id]);
    expect(await ids({ contractId: contract.id, to })).toEqual([before.id, atFrom.id, inside.id, justBeforeTo.id]);
    expect(await ids({ contractId: contract.id, from: to })).toEqual([atTo.id]);
  });

  it('should refuse --to at or before --from as a validation error', async () => {
    const when = new Date('2032-03-01T00:00:00Z');
    await expect(listEvents(sdb.db, manager, { from: when, to: when }, { limit: 10 })).rejects.toMatchObject({ code: 'validation' });
  });

  it('should list with --no-support only events nobody supports, and with --support those of one person', async () => {
    const { contract } = await contractOfSales();
    const none = await insertEvent(sdb.sql, { contractId: contract.id });
    const kates = await insertEvent(sdb.sql, { contractId: contract.id, supportContactId: kateRow.id });
    const unsupported = await listEvents(sdb.db, manager, { noSupport: true }, { limit: 500 });
    expect(unsupported.items.map((e) => e.id)).toContain(none.id);
    expect(unsupported.items.every((e) => e.supportContactId === null)).toBe(true);
    expect(await ids({ contractId: contract.id, noSupport: true })).toEqual([none.id]);
    expect(await ids({ contractId: contract.id, supportId: kateRow.id })).toEqual([kates.id]);
    await expect(listEvents(sdb.db, manager, { noSupport: true, supportId: kateRow.id }, { limit: 10 })).rejects.toMatchObject({ code: 'usage' });
  });

  it('should list with --mine the events assigned to a SUPPORT employee and the events of a SALES employee’s clients', async () => {
    const seller = await insertEmployee(sdb.sql, { role: 'SALES' });
    const helper = await insertEmployee(sdb.sql, { role: 'SUPPORT' });
    const { contract } = await contractOfSales(true, seller);
    const { contract: foreign } = await contractOfSales(true, salesRow);
    const own = await insertEvent(sdb.sql, { contractId: contract.id, supportContactId: helper.id });
    const ownUnsupported = await insertEvent(sdb.sql, { contractId: contract.id });
    const foreignSupported = await insertEvent(sdb.sql, { contractId: foreign.id, supportContactId: helper.id });
    expect(await ids({ mine: true }, actorFor(seller))).toEqual([own.id, ownUnsupported.id]);
    expect(await ids({ mine: true }, actorFor(helper))).toEqual([own.id, foreignSupported.id]);
    await expect(listEvents(sdb.db, manager, { mine: true }, { limit: 10 })).rejects.toMatchObject({ code: 'usage' });
  });

  it('should list a SUPPORT employee’s --mine upcoming first (under way, then in the order they end), then past ones latest first, the same across pages', async () => {
    const helper = await insertEmployee(sdb.sql, { role: 'SUPPORT' });
    const { contract } = await contractOfSales();
    const hours = (n: number) => new Date(Date.now() + n * 3_600_000);
    const event = (start: number, end: number) => insertEvent(sdb.sql, { contractId: contract.id, supportContactId: helper.id, startAt: hours(start), endAt: hours(end) });
    const later = await event(120, 124);
    const lastWeek = await event(-240, -236);
    const underWay = await event(-1, 2);
    const laterTwin = await event(121, 124);
    const yesterday = await event(-48, -44);
    const tomorrow = await event(24, 30);
    const expected = [underWay, tomorrow, later, laterTwin, yesterday, lastWeek].map((e) => e.id);
    expect(await ids({ mine: true }, actorFor(helper))).toEqual(expected);

    const paged: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await listEvents(sdb.db, actorFor(helper), { mine: true }, { limit: 2, cursor });
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(paged).toEqual(expected);

    await deleteEvent(sdb.db, manager, laterTwin.id);
    await expect(listEvents(sdb.db, actorFor(helper), { mine: true }, { limit: 2, cursor: laterTwin.id })).rejects.toMatchObject({ code: 'validation' });
  });

  it('should filter by client and by contract', async () => {
    const { client, contract } = await contractOfSales();
    const second = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, isSigned: true });
    const a = await insertEvent(sdb.sql, { contractId: contract.id });
    const b = await insertEvent(sdb.sql, { contractId: second.id });
    expect(await ids({ clientId: client.id })).toEqual([a.id, b.id]);
    expect(await ids({ contractId: second.id })).toEqual([b.id]);
    expect(await ids({ clientId: client.id, contractId: contract.id })).toEqual([a.id]);
  });
});
