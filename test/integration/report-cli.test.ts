import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

/** `epicevents report` through the real binary: JSON types, charsets, one dashboard per role. */
let db: TestDatabase;
let manager: TestUser;
let sales: TestUser;
let support: TestUser;

const AMOUNT = /^\d+\.\d{2}$/;
const BLOCKS = /[▁▂▃▄▅▆▇█▏▎▍▌▋▊▉┌─│]/;

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
  const bill = await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events', firstName: 'Bill', lastName: 'Boquet' });
  const kate = await insertEmployee(db, { role: 'SUPPORT', email: 'kate@epic.events', firstName: 'Kate', lastName: 'Hastings' });
  sales = userFor(db, 'bill@epic.events');
  support = userFor(db, 'kate@epic.events');
  await login(sales, FACTORY_PASSWORD);
  await login(support, FACTORY_PASSWORD);
  const client = await insertClient(db, { salesContactId: bill.id, fullName: 'Kevin Casey' });
  const signed = await insertContract(db, { clientId: client.id, salesContactId: bill.id, totalAmount: '15000.50', amountDue: '5000.25', isSigned: true });
  await insertContract(db, { clientId: client.id, salesContactId: bill.id, totalAmount: '999.99', isSigned: false });
  const soon = new Date(Date.now() + 2 * 86400_000);
  await insertEvent(db, { contractId: signed.id, name: 'Launch party', startAt: soon, supportContactId: kate.id });
  await insertEvent(db, { contractId: signed.id, name: 'Unsupported gala', startAt: soon });
});
afterAll(async () => db.close());

describe('epicevents report', () => {
  it('should give MANAGEMENT the figures as JSON: amounts as two-decimal strings, counts as numbers', async () => {
    const result = await manager.run(['report', '--json']);
    expect(result.code).toBe(0);
    const report = result.json<Record<string, unknown> & { signedPerMonth: { month: string; count: number; value: string }[] }>();
    expect(report).toMatchObject({
      role: 'MANAGEMENT',
      contracts: { signedCount: 1, signedValue: '15000.50', unsignedCount: 1, unsignedValue: '999.99', amountDue: '5000.25' },
      next30Days: { events: 2, withoutSupport: 1 },
      supportWorkload: [{ name: 'Kate Hastings', upcoming: 1, next30Days: 1 }],
    });
    expect(report.signedPerMonth).toHaveLength(12);
    for (const month of report.signedPerMonth) {
      expect(typeof month.count).toBe('number');
      expect(month.value).toMatch(AMOUNT);
    }
    expect(report.signedPerMonth[11]).toMatchObject({ count: 1, value: '15000.50' }); // signed now: this month
    expect(report.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('should give SALES their pipeline and their clients’ events, and SUPPORT their own events', async () => {
    const salesReport = (await sales.run(['report', '--json'])).json<Record<string, unknown>>();
    expect(salesReport).toMatchObject({ role: 'SALES', pipeline: { clients: 1, signedValue: '15000.50', amountDue: '5000.25' }, upcomingEventCount: 2 });
    const supportReport = (await support.run(['report', '--json'])).json<{ role: string; thisWeek: unknown[]; later: unknown[]; upcomingEventCount: number }>();
    expect(supportReport.role).toBe('SUPPORT');
    expect(supportReport.upcomingEventCount).toBe(1);
    expect([...supportReport.thisWeek, ...supportReport.later]).toEqual([expect.objectContaining({ name: 'Launch party', attendees: 75 })]);
  });

  it('should draw with Unicode blocks in a UTF-8 locale', async () => {
    const result = await manager.run(['report'], { env: { LANG: 'en_US.UTF-8' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(BLOCKS);
    expect(result.stdout).toContain('15,000.50');
  });

  it.each([
    ['a non-UTF-8 locale', ['report'], { LANG: 'C' }],
    ['no locale at all', ['report'], {}],
    ['--ascii', ['report', '--ascii'], { LANG: 'en_US.UTF-8' }],
  ])('should draw plain ASCII with %s', async (_, args, env) => {
    for (const user of [manager, sales, support]) {
      const result = await user.run(args, { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^[\x20-\x7e\n]*$/);
    }
  });

  it('should refuse without a session (exit 3) and print nothing on stdout', async () => {
    const result = await runCli(['report'], { env: { ...db.env, EPICEVENTS_HOME: '/nonexistent-home-for-test' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
  });
});
