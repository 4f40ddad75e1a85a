import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { login, type TestUser, userFor } from '../support/users';

/**
 * Local times in a zone with daylight saving (Europe/Paris): a time the clocks skip or pass twice
 * is refused rather than moved or guessed, and no local time is stored before 1900-01-01T00:00Z.
 */
describe('local times with TZ=Europe/Paris', () => {
  let db: TestDatabase;
  let sales: TestUser;
  let contractId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    const seller = await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events' });
    sales = userFor(db, 'bill@epic.events', { TZ: 'Europe/Paris' });
    await login(sales, FACTORY_PASSWORD);
    const client = await insertClient(db, { salesContactId: seller.id });
    contractId = (await insertContract(db, { clientId: client.id, salesContactId: seller.id, isSigned: true })).id;
  });
  afterAll(async () => db.close());

  const createEvent = (start: string, end: string) =>
    sales.run(['event', 'create', '--contract', String(contractId), '--name', 'Night party', '--start', start, '--end', end, '--location', 'Paris', '--attendees', '10', '--json']);
  const events = async () => (await db.query<{ start_at: Date }>('SELECT start_at FROM events ORDER BY id')).map((row) => row.start_at.toISOString());

  it('should refuse a start the clocks skip (2026-03-29 02:30 in Paris) with exit 2 naming the gap, and write nothing', async () => {
    const result = await createEvent('2026-03-29T02:30', '2026-03-29T06:00');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--start 2026-03-29T02:30 does not exist in the local time zone \(Europe\/Paris\): the clocks jump from 02:00 to 03:00/);
    expect(await events()).toEqual([]);
  });

  it('should refuse a start the clocks pass twice (2026-10-25 02:30 in Paris) with exit 2 naming both offsets, and take it with an offset', async () => {
    const ambiguous = await createEvent('2026-10-25T02:30', '2026-10-25T06:00');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/--start 2026-10-25T02:30 happens twice .*first at \+02:00, then at \+01:00/);
    expect(await events()).toEqual([]);

    const explicit = await createEvent('2026-10-25T02:30+01:00', '2026-10-25T06:00');
    expect(explicit.code).toBe(0);
    expect(await events()).toEqual(['2026-10-25T01:30:00.000Z']);
    await db.query('DELETE FROM events');
  });

  it('should refuse 1900-01-01T00:00 local time with exit 2 when it falls before 1900-01-01T00:00Z (Paris was 9 min 21 s ahead)', async () => {
    const result = await createEvent('1900-01-01T00:00', '1900-01-01T06:00');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--start must fall between 1900-01-01T00:00Z and 9999-12-31T23:59Z.*1899-12-31T23:50:39Z/);
    expect(await events()).toEqual([]);
  });

  it('should refuse an offset that puts the instant before 1900 (1900-01-01T00:00+01:00)', async () => {
    const result = await createEvent('1900-01-01T00:00+01:00', '1900-01-01T06:00Z');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('1899-12-31T23:00:00Z');
    expect(await events()).toEqual([]);
  });

  it('should keep ordinary local times on both sides of the changes', async () => {
    await db.query('DELETE FROM events');
    expect((await createEvent('2026-03-29T03:00', '2026-03-29T05:00')).code).toBe(0);
    expect((await createEvent('2026-10-25T03:00', '2026-10-25T05:00')).code).toBe(0);
    expect(await events()).toEqual(['2026-03-29T01:00:00.000Z', '2026-10-25T02:00:00.000Z']);
  });
});
