import { CONTRACT_JSON_KEYS, EVENT_JSON_KEYS } from '../../src/output/json-values';
import { insertClient, insertContract, insertEvent } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, loggedIn, type TestUser, userFor } from '../support/users';
import { expectOneLineError } from '../support/assertions';

/**
 * The contract and event commands through the real binary, as a user or a script sees them:
 * exit codes, one JSON document on stdout, one-line errors on stderr, nothing written on failure.
 */
let db: TestDatabase;
let manager: TestUser;
let sales: TestUser & { id: number };
let otherSales: TestUser & { id: number };
let support: TestUser & { id: number };

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params);
  return Number(row.n);
}

/** A client of Bill's with one contract. */
async function billsContract(overrides: { totalAmount?: string; amountDue?: string; isSigned?: boolean } = {}) {
  const client = await insertClient(db, { salesContactId: sales.id });
  return insertContract(db, { clientId: client.id, salesContactId: sales.id, ...overrides });
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
  sales = await loggedIn(db, 'SALES', 'bill@epic.events');
  otherSales = await loggedIn(db, 'SALES', 'olga@epic.events');
  support = await loggedIn(db, 'SUPPORT', 'kate@epic.events');
});
afterAll(async () => db.close());

describe('contract commands', () => {
  it("should create a contract with --json: the documented keys, exact amount strings, the client's owner as sales contact", async () => {
    const client = await insertClient(db, { salesContactId: sales.id, fullName: 'Kevin Casey' });
    const result = await manager.run(['contract', 'create', '--client', String(client.id), '--total', '15000', '--amount-due', '1500.5', '--json']);
    expect(result.code).toBe(0);
    const json = result.json<Record<string, unknown>>();
    expect(Object.keys(json).sort()).toEqual([...CONTRACT_JSON_KEYS, 'salesContactName'].sort());
    expect(json).toMatchObject({
      clientId: client.id,
      clientName: 'Kevin Casey',
      salesContactId: sales.id,
      totalAmount: '15000.00',
      amountDue: '1500.50',
      isSigned: false,
      signedAt: null,
      version: 1,
    });
    expect(json.createdAt).toMatch(ISO_UTC);
  });

  it('should create an already-signed contract with --signed and tell its sales contact', async () => {
    const client = await insertClient(db, { salesContactId: sales.id });
    const result = await manager.run(['contract', 'create', '--client', String(client.id), '--total', '900', '--signed', '--json']);
    expect(result.code).toBe(0);
    const json = result.json<{ id: number; isSigned: boolean; signedAt: string }>();
    expect(json.isSigned).toBe(true);
    expect(json.signedAt).toMatch(ISO_UTC);
    expect(await count(`notifications WHERE recipient_id = $1 AND kind = 'contract_signed' AND entity_id = $2`, [sales.id, json.id])).toBe(1);
  });

  it('should exit 2 naming the missing flags when not on a terminal, and write nothing', async () => {
    const before = await count('contracts');
    expectOneLineError(await manager.run(['contract', 'create']), 2, /missing --client, --total/);
    expect(await count('contracts')).toBe(before);
  });

  // With flags missing off a terminal, the parse step's exit 2 comes first: every flag is given here.
  it('should refuse SALES creating a contract with exit 4 and write nothing, the JSON error on stderr', async () => {
    const client = await insertClient(db, { salesContactId: sales.id });
    const before = await count('contracts');
    const result = await sales.run(['contract', 'create', '--client', String(client.id), '--total', '900', '--json']);
    expect(await count('contracts')).toBe(before);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'forbidden', message: 'permission denied: SALES cannot create a contract (MANAGEMENT can)' } });
  });

  it.each([['0'], ['1e3'], ['12.345'], ['NaN'], ['-5']])('should refuse a payment of %s with exit 2 and change nothing', async (amount) => {
    const contract = await billsContract();
    expectOneLineError(await sales.run(['contract', 'pay', String(contract.id), `--amount=${amount}`]), 2, /--amount/);
    const [row] = await db.query<{ due: string; version: number }>('SELECT amount_due::text AS due, version FROM contracts WHERE id = $1', [contract.id]);
    expect(row).toEqual({ due: '1000.00', version: 1 });
  });

  it('should refuse a payment above the amount due with exit 6 naming both amounts', async () => {
    const contract = await billsContract({ totalAmount: '100.00', amountDue: '40.00', isSigned: true });
    expectOneLineError(await sales.run(['contract', 'pay', String(contract.id), '--amount', '40.01']), 6, /payment of 40\.01 exceeds the amount due 40\.00/);
  });

  it('should pay a contract down to exactly zero, after which --unpaid leaves it out', async () => {
    const contract = await billsContract({ totalAmount: '100.00', amountDue: '40.00', isSigned: true });
    const unpaid = async () =>
      (await manager.run(['contract', 'list', '--client', String(contract.clientId), '--unpaid', '--json'])).json<{ id: number }[]>().map((c) => c.id);
    expect(await unpaid()).toEqual([contract.id]);
    const paid = await sales.run(['contract', 'pay', String(contract.id), '--amount', '40', '--json']);
    expect(paid.code).toBe(0);
    expect(paid.json()).toMatchObject({ amountDue: '0.00', totalAmount: '100.00' });
    expect(await unpaid()).toEqual([]);
  });

  it('should refuse a payment on an unsigned contract with exit 6: sign it first', async () => {
    const contract = await billsContract();
    expectOneLineError(await sales.run(['contract', 'pay', String(contract.id), '--amount', '1']), 6, /is not signed: sign it first/);
    const [row] = await db.query<{ due: string; version: number }>('SELECT amount_due::text AS due, version FROM contracts WHERE id = $1', [contract.id]);
    expect(row).toEqual({ due: '1000.00', version: 1 });
  });

  it('should refuse a payment on a contract of another SALES employee with exit 4', async () => {
    const contract = await billsContract();
    expectOneLineError(await otherSales.run(['contract', 'pay', String(contract.id), '--amount', '1']), 4, /permission denied/);
  });

  it('should sign once; signing again is exit 6', async () => {
    const contract = await billsContract();
    const signed = await sales.run(['contract', 'sign', String(contract.id), '--json']);
    expect(signed.code).toBe(0);
    expect(signed.json()).toMatchObject({ isSigned: true, version: 2 });
    expectOneLineError(await manager.run(['contract', 'sign', String(contract.id)]), 6, /already signed/);
  });

  it('should update with a stale --expected-version as exit 6 and a current one as success', async () => {
    const contract = await billsContract({ isSigned: true });
    expect((await sales.run(['contract', 'pay', String(contract.id), '--amount', '1'])).code).toBe(0);
    expectOneLineError(await manager.run(['contract', 'update', String(contract.id), '--total', '2000', '--expected-version', '1']), 6, /changed by someone else/);
    const ok = await manager.run(['contract', 'update', String(contract.id), '--total', '2000', '--expected-version', '2', '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ totalAmount: '2000.00', amountDue: '1999.00', version: 3 });
  });

  it('should exit 2 for --signed with --unsigned, 2 for a bad id and 5 for an unknown one', async () => {
    expectOneLineError(await manager.run(['contract', 'list', '--signed', '--unsigned']), 2, /cannot be used together/);
    expectOneLineError(await manager.run(['contract', 'show', 'abc']), 2, /contract id must be a positive whole number/);
    expectOneLineError(await manager.run(['contract', 'show', '987654']), 5, /contract 987654 not found/);
  });

  it('should list with --json as one array and show a human table otherwise', async () => {
    const contract = await billsContract();
    const listed = await support.run(['contract', 'list', '--client', String(contract.clientId), '--json']);
    expect(listed.code).toBe(0);
    expect(listed.json<unknown[]>()).toHaveLength(1);
    const table = await support.run(['contract', 'list', '--client', String(contract.clientId)]);
    expect(table.stdout).toMatch(/[│|] +id [│|] client/); // ASCII without a UTF-8 locale
    expect(table.stdout).toContain('1000.00');
  });

  it('should need --yes to delete when not on a terminal, then delete', async () => {
    const contract = await billsContract();
    expectOneLineError(await manager.run(['contract', 'delete', String(contract.id)]), 2, /--yes is required/);
    expect(await count('contracts WHERE id = $1', [contract.id])).toBe(1);
    const deleted = await manager.run(['contract', 'delete', String(contract.id), '--yes', '--json']);
    expect(deleted.code).toBe(0);
    expect(deleted.json()).toMatchObject({ deleted: { id: contract.id } });
    expect(await count('contracts WHERE id = $1', [contract.id])).toBe(0);
  });

  it('should refuse deleting a signed contract with exit 6', async () => {
    const contract = await billsContract({ isSigned: true });
    expectOneLineError(await manager.run(['contract', 'delete', String(contract.id), '--yes']), 6, /signed and cannot be deleted/);
  });

  it('should exit 3 when nobody is logged in', async () => {
    expectOneLineError(await userFor(db, 'nobody@epic.events').run(['contract', 'list']), 3, /not logged in/);
  });

  it.each(['contract list', 'contract export --csv', 'event list', 'event export --csv'])(
    'should refuse a too long --search of `%s` with exit 2 before asking for a session',
    async (command) => {
      const result = await userFor(db, 'nobody@epic.events').run([...command.split(' '), '--search', 'z'.repeat(151)]);
      expectOneLineError(result, 2, /^error: --search must be at most 150 characters \(got 151\)/);
    },
  );
});

describe('event commands', () => {
  const create = (user: TestUser, contractId: number, extra: string[] = []) =>
    user.run([
      'event',
      'create',
      '--contract',
      String(contractId),
      '--name',
      'John Quick Wedding',
      '--start',
      '2031-06-04T13:00+02:00',
      '--end',
      '2031-06-05T02:00+02:00',
      '--location',
      '53 Rue du Château, 41120 Candé-sur-Beuvron, France',
      '--attendees',
      '75',
      ...extra,
    ]);

  it('should create an event with --json: the documented keys, UTC times, no support yet, managers told', async () => {
    const contract = await billsContract({ isSigned: true });
    const result = await create(sales, contract.id, ['--notes', 'By the river.', '--json']);
    expect(result.code).toBe(0);
    const json = result.json<Record<string, unknown>>();
    expect(Object.keys(json)).toEqual([...EVENT_JSON_KEYS]);
    expect(json).toMatchObject({
      contractId: contract.id,
      clientId: contract.clientId,
      supportContactId: null,
      supportContactName: null,
      startAt: '2031-06-04T11:00:00.000Z',
      endAt: '2031-06-05T00:00:00.000Z',
      attendees: 75,
      notes: 'By the river.',
      version: 1,
    });
    expect(typeof json.clientEmail).toBe('string');
    expect(await count(`notifications WHERE kind = 'event_needs_support' AND entity_id = $1`, [json.id])).toBeGreaterThanOrEqual(1);
  });

  it('should refuse an unsigned contract (6), a contract of another seller (4) and an end before the start (2)', async () => {
    const unsigned = await billsContract();
    expectOneLineError(await create(sales, unsigned.id), 6, /is not signed/);
    const signed = await billsContract({ isSigned: true });
    expectOneLineError(await create(otherSales, signed.id), 4, /permission denied/);
    expectOneLineError(await create(manager, signed.id), 4, /permission denied/);
    const backwards = await sales.run([
      'event', 'create', '--contract', String(signed.id), '--name', 'X', '--start', '2031-06-04 13:00', '--end', '2031-06-04 12:59',
      '--location', 'Paris', '--attendees', '1',
    ]);
    expectOneLineError(backwards, 2, /--end must be after --start/);
    expect(await count('events WHERE contract_id IN ($1, $2)', [unsigned.id, signed.id])).toBe(0);
  });

  it('should exit 2 naming the missing flags, and 2 for a negative or fractional attendee count', async () => {
    const signed = await billsContract({ isSigned: true });
    expectOneLineError(await sales.run(['event', 'create', '--contract', String(signed.id), '--name', 'X']), 2, /missing --start, --end, --location, --attendees/);
    expectOneLineError(await create(sales, signed.id, ['--attendees=-1']), 2, /--attendees must be a whole number/);
    expectOneLineError(await create(sales, signed.id, ['--attendees', '2.5']), 2, /--attendees must be a whole number/);
  });

  it('should let MANAGEMENT assign support, SUPPORT then edit their event but never change its support person', async () => {
    const contract = await billsContract({ isSigned: true });
    const event = await insertEvent(db, { contractId: contract.id });
    const assigned = await manager.run(['event', 'update', String(event.id), '--support', String(support.id), '--json']);
    expect(assigned.code).toBe(0);
    expect(assigned.json()).toMatchObject({ supportContactId: support.id, supportContactName: expect.any(String), version: 2 });

    const edited = await support.run(['event', 'update', String(event.id), '--attendees', '80', '--notes', 'DJ booked', '--json']);
    expect(edited.code).toBe(0);
    expect(edited.json()).toMatchObject({ attendees: 80, notes: 'DJ booked', version: 3 });

    expectOneLineError(await support.run(['event', 'update', String(event.id), '--support', 'none']), 4, /cannot assign or change/);
    expectOneLineError(await sales.run(['event', 'update', String(event.id), '--attendees', '1']), 4, /permission denied/);
    const unassigned = await manager.run(['event', 'update', String(event.id), '--support', 'none', '--json']);
    expect(unassigned.json()).toMatchObject({ supportContactId: null, supportContactName: null });
    expectOneLineError(await support.run(['event', 'update', String(event.id), '--attendees', '81']), 4, /permission denied/);
  });

  it('should refuse a support person who is not SUPPORT with exit 6, and a bare --support off a terminal with exit 2', async () => {
    const contract = await billsContract({ isSigned: true });
    const event = await insertEvent(db, { contractId: contract.id });
    expectOneLineError(await manager.run(['event', 'update', String(event.id), '--support', String(sales.id)]), 6, /not SUPPORT/);
    expectOneLineError(await manager.run(['event', 'update', String(event.id), '--support']), 2, /missing --support/);
    expectOneLineError(await manager.run(['event', 'update', String(event.id)]), 2, /nothing to update/);
  });

  it('should refuse an end before the stored start with exit 6', async () => {
    const contract = await billsContract({ isSigned: true });
    const event = await insertEvent(db, { contractId: contract.id, startAt: new Date('2031-06-04T13:00:00Z'), endAt: new Date('2031-06-04T20:00:00Z') });
    expectOneLineError(await manager.run(['event', 'update', String(event.id), '--end', '2031-06-04T12:00Z']), 6, /would end .* before it starts/);
  });

  it('should list --from inclusive and --to exclusive: an event starting exactly at --to is not listed', async () => {
    const contract = await billsContract({ isSigned: true });
    const atFrom = await insertEvent(db, { contractId: contract.id, startAt: new Date('2033-01-01T00:00:00Z') });
    await insertEvent(db, { contractId: contract.id, startAt: new Date('2033-02-01T00:00:00Z') });
    const result = await support.run(['event', 'list', '--contract', String(contract.id), '--from', '2033-01-01T00:00Z', '--to', '2033-02-01T00:00Z', '--json']);
    expect(result.code).toBe(0);
    expect(result.json<{ id: number }[]>().map((e) => e.id)).toEqual([atFrom.id]);
  });

  it('should list --no-support and --mine', async () => {
    const contract = await billsContract({ isSigned: true });
    const bare = await insertEvent(db, { contractId: contract.id });
    const kates = await insertEvent(db, { contractId: contract.id, supportContactId: support.id });
    const noSupport = (await manager.run(['event', 'list', '--contract', String(contract.id), '--no-support', '--json'])).json<{ id: number }[]>();
    expect(noSupport.map((e) => e.id)).toEqual([bare.id]);
    const mine = (await support.run(['event', 'list', '--mine', '--contract', String(contract.id), '--json'])).json<{ id: number }[]>();
    expect(mine.map((e) => e.id)).toEqual([kates.id]);
    expectOneLineError(await manager.run(['event', 'list', '--mine']), 2, /--mine is for SUPPORT/);
    expectOneLineError(await manager.run(['event', 'list', '--from', '2026-02-30']), 2, /--from must be an ISO 8601 date/);
  });

  it('should page with --limit and print the next cursor on stderr, never in the JSON', async () => {
    const contract = await billsContract({ isSigned: true });
    const first = await insertEvent(db, { contractId: contract.id });
    const second = await insertEvent(db, { contractId: contract.id });
    const page = await manager.run(['event', 'list', '--contract', String(contract.id), '--limit', '1', '--json']);
    expect(page.json<{ id: number }[]>().map((e) => e.id)).toEqual([first.id]);
    expect(page.stderr).toMatch(new RegExp(`--cursor ${first.id}`));
    const next = await manager.run(['event', 'list', '--contract', String(contract.id), '--limit', '1', '--cursor', String(first.id), '--json']);
    expect(next.json<{ id: number }[]>().map((e) => e.id)).toEqual([second.id]);
  });

  it('should delete with --yes only, MANAGEMENT only', async () => {
    const contract = await billsContract({ isSigned: true });
    const event = await insertEvent(db, { contractId: contract.id });
    expectOneLineError(await sales.run(['event', 'delete', String(event.id), '--yes']), 4, /permission denied/);
    expectOneLineError(await manager.run(['event', 'delete', String(event.id)]), 2, /--yes is required/);
    expect((await manager.run(['event', 'delete', String(event.id), '--yes'])).code).toBe(0);
    expect(await count('events WHERE id = $1', [event.id])).toBe(0);
    expectOneLineError(await manager.run(['event', 'show', String(event.id)]), 5, /not found/);
  });
});

describe('scheduling conflicts of a support person', () => {
  const at = (iso: string) => new Date(iso);
  let otto: TestUser & { id: number };
  beforeAll(async () => {
    otto = await loggedIn(db, 'SUPPORT', 'otto@epic.events', { firstName: 'Otto', lastName: 'Brandt' });
  });

  it('should refuse giving someone an event that overlaps one of theirs with exit 6 naming it, and write nothing', async () => {
    const contract = await billsContract({ isSigned: true });
    const gala = await insertEvent(db, { contractId: contract.id, name: 'Winter Gala', startAt: at('2034-01-10T18:00Z'), endAt: at('2034-01-10T23:00Z'), supportContactId: otto.id });
    const party = await insertEvent(db, { contractId: contract.id, startAt: at('2034-01-10T22:00Z'), endAt: at('2034-01-11T02:00Z') });
    const refused = await manager.run(['event', 'update', String(party.id), '--support', String(otto.id)]);
    expectOneLineError(refused, 6, new RegExp(`Otto Brandt \\(employee ${otto.id}\\) already supports event ${gala.id} "Winter Gala" \\(2034-01-10 18:00 to 2034-01-10 23:00 UTC\\)`));
    expect(refused.stderr).toMatch(/--allow-overlap/);
    const [row] = await db.query<{ support_contact_id: number | null; version: number }>('SELECT support_contact_id, version FROM events WHERE id = $1', [party.id]);
    expect(row).toEqual({ support_contact_id: null, version: 1 });
    expect(await count(`audit_log WHERE entity_type = 'event' AND entity_id = $1`, [party.id])).toBe(0);
    expect(await count(`notifications WHERE kind = 'event_assigned' AND entity_id = $1`, [party.id])).toBe(0);

    const allowed = await manager.run(['event', 'update', String(party.id), '--support', String(otto.id), '--allow-overlap', '--json']);
    expect(allowed.code).toBe(0);
    expect(allowed.json()).toMatchObject({ supportContactId: otto.id, version: 2 });
  });

  it('should accept events that only touch: one ending at 18:00, the next starting at 18:00', async () => {
    const contract = await billsContract({ isSigned: true });
    await insertEvent(db, { contractId: contract.id, startAt: at('2034-02-10T12:00Z'), endAt: at('2034-02-10T18:00Z'), supportContactId: otto.id });
    const evening = await insertEvent(db, { contractId: contract.id, startAt: at('2034-02-10T18:00Z'), endAt: at('2034-02-10T23:00Z') });
    const result = await manager.run(['event', 'update', String(evening.id), '--support', String(otto.id), '--json']);
    expect(result.code).toBe(0);
  });

  it('should refuse moving an assigned event onto another of its support person, unless --allow-overlap', async () => {
    const contract = await billsContract({ isSigned: true });
    const morning = await insertEvent(db, { contractId: contract.id, name: 'Breakfast', startAt: at('2034-03-10T08:00Z'), endAt: at('2034-03-10T11:00Z'), supportContactId: support.id });
    const later = await insertEvent(db, { contractId: contract.id, startAt: at('2034-03-10T14:00Z'), endAt: at('2034-03-10T16:00Z'), supportContactId: support.id });
    // By their support person, and by a manager.
    expectOneLineError(await support.run(['event', 'update', String(later.id), '--start', '2034-03-10T10:30Z']), 6, new RegExp(`already supports event ${morning.id} "Breakfast"`));
    expectOneLineError(await manager.run(['event', 'update', String(later.id), '--start', '2034-03-10T07:00Z', '--end', '2034-03-10T09:00Z']), 6, /already supports/);
    const [row] = await db.query<{ start_at: Date; version: number }>('SELECT start_at, version FROM events WHERE id = $1', [later.id]);
    expect(row).toEqual({ start_at: at('2034-03-10T14:00Z'), version: 1 });
    // Renaming an event that already overlaps is no move: nothing to check.
    expect((await support.run(['event', 'update', String(later.id), '--start', '2034-03-10T10:30Z', '--allow-overlap', '--json'])).code).toBe(0);
    expect((await support.run(['event', 'update', String(later.id), '--name', 'Brunch', '--json'])).code).toBe(0);
  });
});

describe('--search on contracts and events', () => {
  const ids = (result: { json<T>(): T }) => result.json<{ id: number }[]>().map((r) => r.id);
  const exportedIds = (result: { stdout: string }) => result.stdout.split('\r\n').slice(1, -1).map((line) => Number(line.split(',')[0]));

  it("should find contracts by the client's name, email or company, case-insensitively, with % and _ literal, in list and export", async () => {
    const byName = await insertClient(db, { salesContactId: sales.id, fullName: 'Zebulon Quartz', email: 'zq@zeb.example', companyName: 'Quartz 100% Works' });
    const byEmail = await insertClient(db, { salesContactId: otherSales.id, email: 'zebulon.billing@zeb.example' });
    const other = await insertClient(db, { salesContactId: sales.id, fullName: 'Zebulon_Other', companyName: 'Quartz 1000 Works' });
    const [c1, c2, c3] = [
      await insertContract(db, { clientId: byName.id, salesContactId: sales.id }),
      await insertContract(db, { clientId: byEmail.id, salesContactId: otherSales.id }),
      await insertContract(db, { clientId: other.id, salesContactId: sales.id }),
    ];
    const list = await support.run(['contract', 'list', '--search', 'ZEBULON', '--json']);
    expect(list.code).toBe(0);
    expect(ids(list)).toEqual([c1.id, c2.id, c3.id]);
    expect(ids(await support.run(['contract', 'list', '--search', 'quartz 100%', '--json']))).toEqual([c1.id]);
    expect(ids(await support.run(['contract', 'list', '--search', 'zebulon_', '--json']))).toEqual([c3.id]);
    expect(ids(await sales.run(['contract', 'list', '--search', 'zebulon', '--mine', '--json']))).toEqual([c1.id, c3.id]);
    const exported = await manager.run(['contract', 'export', '--csv', '--search', 'zeb.example']);
    expect(exported.code).toBe(0);
    expect(exportedIds(exported)).toEqual([c1.id, c2.id]);
    expectOneLineError(await manager.run(['contract', 'list', '--search', '   ']), 2, /--search/);
    // In server mode too: refused by the same rule before it is put in a URL, not a request the server finds too long.
    expectOneLineError(await manager.run(['contract', 'list', '--search', 'z'.repeat(10_000)]), 2, /^error: --search must be at most 150 characters \(got 10000\)/);
  });

  it("should find events by their name or location, or their client's details, in list and export", async () => {
    const client = await insertClient(db, { salesContactId: sales.id, fullName: 'Yolanda Pike', companyName: 'Pike Ventures' });
    const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, isSigned: true });
    const elsewhere = await billsContract({ isSigned: true });
    const ofClient = await insertEvent(db, { contractId: contract.id, name: 'Board dinner', location: 'Lyon' });
    const byName = await insertEvent(db, { contractId: elsewhere.id, name: 'Pike & Pine launch', location: 'Paris' });
    const byLocation = await insertEvent(db, { contractId: elsewhere.id, name: 'Retreat', location: '12 Turnpike Road, Leeds' });
    await insertEvent(db, { contractId: elsewhere.id, name: 'Unrelated', location: 'Nantes' });
    const list = await support.run(['event', 'list', '--search', 'PIKE', '--json']);
    expect(list.code).toBe(0);
    expect(ids(list)).toEqual([ofClient.id, byName.id, byLocation.id]);
    expect(ids(await support.run(['event', 'list', '--search', 'pike ventures', '--json']))).toEqual([ofClient.id]);
    expect(ids(await support.run(['event', 'list', '--search', 'pike', '--contract', String(elsewhere.id), '--json']))).toEqual([byName.id, byLocation.id]);
    expect(ids(await support.run(['event', 'list', '--search', 'pike%', '--json']))).toEqual([]);
    const exported = await manager.run(['event', 'export', '--csv', '--search', 'turnpike']);
    expect(exported.code).toBe(0);
    expect(exportedIds(exported)).toEqual([byLocation.id]);
  });
});

describe('help', () => {
  it.each([
    ['contract', 'list'], ['contract', 'show'], ['contract', 'create'], ['contract', 'update'], ['contract', 'sign'], ['contract', 'pay'], ['contract', 'delete'],
    ['event', 'list'], ['event', 'show'], ['event', 'create'], ['event', 'update'], ['event', 'delete'],
  ])('should show 2 to 4 examples in `%s %s --help`', async (noun, verb) => {
    const result = await manager.run([noun, verb, '--help']);
    expect(result.code).toBe(0);
    const examples = result.stdout.split('Examples:')[1] ?? '';
    const count = examples.split('\n').filter((line) => line.trim().startsWith(`$ epicevents ${noun} ${verb}`)).length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(4);
  });
});
