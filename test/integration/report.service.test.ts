import { buildReport, type ManagementReport, type ReportClock, type SalesReport, type SupportReport } from '../../src/services/report.service';
import { actorFor, type EmployeeRow, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

/**
 * The report's figures on a fixed data set against values computed by hand (in the comments).
 * "Now" is Wednesday 18 March 2026, 10:00 UTC: the twelve months run from 2025-04 to 2026-03, the
 * week from Monday 16 March to Monday 23 March, the next 30 days end on 17 April 10:00 UTC.
 */
const NOW = new Date('2026-03-18T10:00:00Z');
const UTC: ReportClock = { now: NOW, timeZone: 'UTC' };
/** Paris is UTC+1 until 29 March 2026 and was UTC+2 on 31 March 2025. */
const PARIS: ReportClock = { now: NOW, timeZone: 'Europe/Paris' };

let sdb: ServiceDatabase;
let management: EmployeeRow;
let bill: EmployeeRow; // SALES: clients C1, C2, C4
let olga: EmployeeRow; // SALES: client C3
let kate: EmployeeRow; // SUPPORT, busiest
let paul: EmployeeRow; // SUPPORT, one event
let ivy: EmployeeRow; // SUPPORT, idle
let ida: EmployeeRow; // SUPPORT, deactivated: never in the workload
const ids: Record<string, number> = {};

beforeAll(async () => {
  sdb = await openServiceDatabase();
  const sql = sdb.sql;
  management = await insertEmployee(sql, { role: 'MANAGEMENT' });
  bill = await insertEmployee(sql, { role: 'SALES', firstName: 'Bill', lastName: 'Boquet' });
  olga = await insertEmployee(sql, { role: 'SALES', firstName: 'Olga', lastName: 'Nilsen' });
  kate = await insertEmployee(sql, { role: 'SUPPORT', firstName: 'Kate', lastName: 'Hastings' });
  paul = await insertEmployee(sql, { role: 'SUPPORT', firstName: 'Paul', lastName: 'Martin' });
  ivy = await insertEmployee(sql, { role: 'SUPPORT', firstName: 'Ivy', lastName: 'Zed' });
  ida = await insertEmployee(sql, { role: 'SUPPORT', firstName: 'Ida', lastName: 'Gone', isActive: false });

  const c1 = await insertClient(sql, { salesContactId: bill.id, fullName: 'Kevin Casey' });
  const c2 = await insertClient(sql, { salesContactId: bill.id, fullName: 'John Quick' });
  const c3 = await insertClient(sql, { salesContactId: olga.id, fullName: 'Ann Lee' });
  await insertClient(sql, { salesContactId: bill.id, fullName: 'No Contract Yet' });

  const contract = async (name: string, clientId: number, owner: EmployeeRow, total: string, due: string, signedAt?: string) => {
    const row = await insertContract(sql, { clientId, salesContactId: owner.id, totalAmount: total, amountDue: due, isSigned: signedAt !== undefined });
    if (signedAt) await sql.query('UPDATE contracts SET signed_at = $1 WHERE id = $2', [signedAt, row.id]);
    ids[name] = row.id;
  };
  await contract('K1', c1.id, bill, '1000.10', '200.05', '2026-03-02T09:00:00Z');
  await contract('K2', c1.id, bill, '2500.00', '0.00', '2026-01-15T12:00:00Z');
  await contract('K3', c2.id, bill, '999.99', '999.99');
  await contract('K4', c3.id, olga, '4000.00', '1000.00', '2025-04-10T00:00:00Z');
  await contract('K5', c3.id, olga, '300.50', '300.50');
  // 2025-03-31 23:00 UTC: March in UTC (outside the twelve months), 1 April 01:00 in Paris (inside).
  await contract('K6', c2.id, bill, '700.00', '700.00', '2025-03-31T23:00:00Z');
  // 2026-02-28 23:30 UTC: February in UTC, 1 March 00:30 in Paris.
  await contract('K7', c1.id, bill, '120.00', '0.00', '2026-02-28T23:30:00Z');

  const event = async (name: string, contractName: string, start: string, support: EmployeeRow | null) => {
    const row = await insertEvent(sql, {
      contractId: ids[contractName],
      name,
      startAt: new Date(start),
      supportContactId: support?.id ?? null,
      location: `${name} place`,
      attendees: name.length * 10,
    });
    ids[name] = row.id;
  };
  await event('E1', 'K1', '2026-03-10T10:00:00Z', kate); // past
  await event('E2', 'K1', '2026-03-19T14:00:00Z', kate); // this week
  await event('E3', 'K2', '2026-03-22T23:00:00Z', kate); // Sunday 23:00 UTC: this week in UTC, Monday 00:00 in Paris
  await event('E4', 'K4', '2026-04-10T09:00:00Z', null); // within 30 days, no support
  await event('E5', 'K4', '2026-05-01T09:00:00Z', paul); // beyond 30 days
  await event('E6', 'K2', '2026-04-17T10:00:00Z', kate); // exactly now + 30 days: not within (half-open)
  await event('E7', 'K6', '2026-03-18T10:00:00Z', null); // exactly now: upcoming
  await event('E8', 'K7', '2026-06-01T09:00:00Z', ida); // the deactivated support person's
});
afterAll(async () => sdb.close());

/** The twelve months with the given non-zero ones; every other month is zero. */
function months(nonZero: Record<string, [number, string]>, first = '2025-04'): { month: string; count: number; value: string }[] {
  const [year, month] = first.split('-').map(Number);
  return Array.from({ length: 12 }, (_, i) => {
    const date = new Date(Date.UTC(year, month - 1 + i, 1));
    const key = date.toISOString().slice(0, 7);
    const [count, value] = nonZero[key] ?? [0, '0.00'];
    return { month: key, count, value };
  });
}

describe('MANAGEMENT report', () => {
  let report: ManagementReport;
  beforeAll(async () => {
    report = (await buildReport(sdb.db, actorFor(management), UTC)) as ManagementReport;
  });

  it('should sum signed and unsigned value and the amount still due exactly, as two-decimal strings', () => {
    expect(report.contracts).toEqual({
      signedCount: 5, // K1 K2 K4 K6 K7
      signedValue: '8320.10', // 1000.10 + 2500.00 + 4000.00 + 700.00 + 120.00
      unsignedCount: 2, // K3 K5
      unsignedValue: '1300.49', // 999.99 + 300.50
      amountDue: '1900.05', // signed only: 200.05 + 0 + 1000.00 + 700.00 + 0
    });
  });

  it('should count contracts signed per month over the last twelve, zero months included', () => {
    expect(report.signedPerMonth).toEqual(
      months({ '2025-04': [1, '4000.00'], '2026-01': [1, '2500.00'], '2026-02': [1, '120.00'], '2026-03': [1, '1000.10'] }),
    );
  });

  it('should count months in the given time zone', async () => {
    const paris = (await buildReport(sdb.db, actorFor(management), PARIS)) as ManagementReport;
    expect(paris.signedPerMonth).toEqual(
      months({ '2025-04': [2, '4700.00'], '2026-01': [1, '2500.00'], '2026-03': [2, '1120.10'] }),
    );
  });

  it('should count the events of the next 30 days (from now included, to now + 30 days excluded) and those without support', () => {
    expect(report.next30Days).toEqual({ events: 4, withoutSupport: 2 }); // E2 E3 E4 E7; E4 E7
  });

  it('should list every active SUPPORT employee with their upcoming events, busiest first', () => {
    expect(report.supportWorkload).toEqual([
      { employeeId: kate.id, name: 'Kate Hastings', upcoming: 3, next30Days: 2 }, // E2 E3 E6; E2 E3
      { employeeId: paul.id, name: 'Paul Martin', upcoming: 1, next30Days: 0 }, // E5
      { employeeId: ivy.id, name: 'Ivy Zed', upcoming: 0, next30Days: 0 },
    ]);
    expect(report.activeSupportCount).toBe(3);
  });

  it('should date the report and name its time zone', () => {
    expect(report).toMatchObject({ role: 'MANAGEMENT', generatedAt: NOW, timeZone: 'UTC' });
  });
});

describe('SALES report', () => {
  it("should give the pipeline over the contracts of the salesperson's own clients", async () => {
    const report = (await buildReport(sdb.db, actorFor(bill), UTC)) as SalesReport;
    expect(report.pipeline).toEqual({
      clients: 3, // C1 C2 C4
      signedCount: 4, // K1 K2 K6 K7
      signedValue: '4320.10', // 1000.10 + 2500.00 + 700.00 + 120.00
      unsignedCount: 1, // K3
      unsignedValue: '999.99',
      amountDue: '900.05', // 200.05 + 0 + 700.00 + 0
    });
    expect(report.signedPerMonth).toEqual(months({ '2026-01': [1, '2500.00'], '2026-02': [1, '120.00'], '2026-03': [1, '1000.10'] }));
  });

  it("should list the upcoming events of the salesperson's clients, soonest first, with their support", async () => {
    const report = (await buildReport(sdb.db, actorFor(bill), UTC)) as SalesReport;
    expect(report.upcomingEventCount).toBe(5);
    expect(report.upcomingEvents.map((e) => [e.name, e.supportContactName])).toEqual([
      ['E7', null],
      ['E2', 'Kate Hastings'],
      ['E3', 'Kate Hastings'],
      ['E6', 'Kate Hastings'],
      ['E8', 'Ida Gone'],
    ]);
    expect(report.upcomingEvents[1]).toEqual({
      id: ids.E2,
      name: 'E2',
      clientName: 'Kevin Casey',
      startAt: new Date('2026-03-19T14:00:00Z'),
      endAt: new Date('2026-03-19T20:00:00Z'),
      location: 'E2 place',
      attendees: 20,
      supportContactName: 'Kate Hastings',
    });
  });

  it('should give another salesperson only their own figures', async () => {
    const report = (await buildReport(sdb.db, actorFor(olga), UTC)) as SalesReport;
    expect(report.pipeline).toEqual({
      clients: 1,
      signedCount: 1,
      signedValue: '4000.00',
      unsignedCount: 1,
      unsignedValue: '300.50',
      amountDue: '1000.00',
    });
    expect(report.signedPerMonth).toEqual(months({ '2025-04': [1, '4000.00'] }));
    expect(report.upcomingEvents.map((e) => e.name)).toEqual(['E4', 'E5']);
  });
});

describe('SUPPORT report', () => {
  it('should split their upcoming events into this calendar week and later', async () => {
    const report = (await buildReport(sdb.db, actorFor(kate), UTC)) as SupportReport;
    expect(report.upcomingEventCount).toBe(3);
    expect(report.thisWeek.map((e) => e.name)).toEqual(['E2', 'E3']);
    expect(report.later.map((e) => e.name)).toEqual(['E6']);
    expect(report.thisWeek[0]).toMatchObject({ location: 'E2 place', attendees: 20, clientName: 'Kevin Casey' });
  });

  it('should end the week on Sunday midnight of the given time zone', async () => {
    const report = (await buildReport(sdb.db, actorFor(kate), PARIS)) as SupportReport;
    expect(report.thisWeek.map((e) => e.name)).toEqual(['E2']);
    expect(report.later.map((e) => e.name)).toEqual(['E3', 'E6']);
  });

  it('should be empty, not an error, for someone with nothing planned', async () => {
    const report = (await buildReport(sdb.db, actorFor(ivy), UTC)) as SupportReport;
    expect(report).toMatchObject({ thisWeek: [], later: [], upcomingEventCount: 0 });
  });
});
