import { parseEmail, parsePhone } from '../../src/validation/parse';
import { type CliResult, runCli, tempHome } from '../support/cli';
import { FACTORY_PASSWORD, insertEmployee } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, userFor } from '../support/users';
import { expectOneLineError } from '../support/assertions';

/** `db seed --demo`: who may run it, what it writes, and that it holds to every rule of the schema. */

const DEMO_PASSWORD = 'demo-password-2026';

interface SeedDocument {
  employees: number;
  clients: number;
  contracts: number;
  events: number;
  password: string;
  accounts: { id: number; email: string; role: string; isActive: boolean }[];
}

async function count(db: TestDatabase, sql: string): Promise<number> {
  const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`);
  return Number(row.n);
}

describe('db seed --demo on a database without employees', () => {
  let db: TestDatabase;
  let seeded: CliResult;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Nobody is logged in: a fresh install may be seeded straight away.
    seeded = await runCli(['db', 'seed', '--demo', '--json'], { env: db.env, timeoutMs: 120000 });
  });
  afterAll(async () => db?.close());

  it('should write the small demo set without a login and say which accounts it made', () => {
    expect(seeded.code).toBe(0);
    const doc = seeded.json<SeedDocument>();
    expect(doc).toMatchObject({ clients: 40, contracts: 40, events: 40, password: DEMO_PASSWORD });
    expect(doc.employees).toBe(doc.accounts.length);
    for (const role of ['MANAGEMENT', 'SALES', 'SUPPORT']) expect(doc.accounts.filter((a) => a.role === role && a.isActive).length).toBeGreaterThan(1);
    expect(doc.accounts.some((a) => !a.isActive)).toBe(true);
  });

  it('should leave the planner statistics of the tables it wrote (VACUUM as the role that connected, not the tenant role)', async () => {
    // Never vacuumed nor analysed, a table's reltuples is -1 and the planner guesses its lists' plans.
    const rows = await db.query<{ relname: string; reltuples: number }>(
      `SELECT relname, reltuples FROM pg_class WHERE relname IN ('employees', 'clients', 'contracts', 'events') AND relkind = 'r' ORDER BY relname`,
    );
    const doc = seeded.json<SeedDocument>();
    expect(rows.map((r) => [r.relname, Number(r.reltuples)])).toEqual([
      ['clients', doc.clients],
      ['contracts', doc.contracts],
      ['employees', doc.employees],
      ['events', doc.events],
    ]);
  });

  it('should write only emails and phones that client create and employee create accept as they are', async () => {
    const people = await db.query<{ email: string; phone: string | null }>('SELECT email, phone FROM clients UNION ALL SELECT email, phone FROM employees');
    expect(people.length).toBeGreaterThan(40);
    for (const { email, phone } of people) {
      expect(parseEmail(email)).toBe(email);
      if (phone !== null) expect(parsePhone(phone)).toBe(phone);
    }
  });

  it("should include the reference examples: Kevin Casey owned by Bill Boquet and the John Quick Wedding supported by Kate Hastings", async () => {
    const [kevin] = await db.query(
      `SELECT c.full_name, c.email, c.phone, c.company_name, e.first_name || ' ' || e.last_name AS owner
         FROM clients c JOIN employees e ON e.id = c.sales_contact_id WHERE c.email = 'kevin@startup.io'`,
    );
    expect(kevin).toEqual({ full_name: 'Kevin Casey', email: 'kevin@startup.io', phone: '+6785123456', company_name: 'Cool Startup LLC', owner: 'Bill Boquet' });
    const [wedding] = await db.query<Record<string, unknown>>(
      `SELECT ev.start_at, ev.end_at, ev.location, ev.attendees, ev.notes, s.first_name || ' ' || s.last_name AS support, k.is_signed
         FROM events ev JOIN employees s ON s.id = ev.support_contact_id JOIN contracts k ON k.id = ev.contract_id
        WHERE ev.name = 'John Quick Wedding'`,
    );
    expect({ ...wedding, start_at: new Date(wedding.start_at as string).toISOString(), end_at: new Date(wedding.end_at as string).toISOString() }).toEqual({
      start_at: '2023-06-04T11:00:00.000Z',
      end_at: '2023-06-05T00:00:00.000Z',
      location: '53 Rue du Château, 41120 Candé-sur-Beuvron, France',
      attendees: 75,
      notes: 'Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM. Kate needs to organize the DJ for after party.',
      support: 'Kate Hastings',
      is_signed: true,
    });
  });

  it('should write a varied data set: signed and unsigned, paid and unpaid, past and future, some events without support', async () => {
    expect(await count(db, 'contracts WHERE is_signed')).toBeGreaterThan(0);
    expect(await count(db, 'contracts WHERE NOT is_signed')).toBeGreaterThan(0);
    expect(await count(db, 'contracts WHERE amount_due = 0')).toBeGreaterThan(0);
    expect(await count(db, 'contracts WHERE amount_due > 0')).toBeGreaterThan(0);
    expect(await count(db, 'events WHERE start_at < now()')).toBeGreaterThan(0);
    expect(await count(db, 'events WHERE start_at > now()')).toBeGreaterThan(0);
    expect(await count(db, 'events WHERE support_contact_id IS NULL')).toBeGreaterThan(0);
    // Rules the schema cannot state on its own.
    expect(await count(db, 'events e JOIN contracts k ON k.id = e.contract_id WHERE NOT k.is_signed')).toBe(0);
    expect(await count(db, 'contracts k JOIN clients c ON c.id = k.client_id WHERE k.sales_contact_id <> c.sales_contact_id')).toBe(0);
    expect(await count(db, `clients c JOIN employees e ON e.id = c.sales_contact_id WHERE e.role <> 'SALES' OR NOT e.is_active`)).toBe(0);
    expect(await count(db, `events ev JOIN employees e ON e.id = ev.support_contact_id WHERE e.role <> 'SUPPORT'`)).toBe(0);
  });

  it('should let a demo account log in with the demo password', async () => {
    const bill = userFor(db, 'bill.boquet@epic.events');
    await login(bill, DEMO_PASSWORD);
    const clients = await bill.run(['client', 'list', '--mine', '--json']);
    expect(clients.code).toBe(0);
    expect(clients.json<{ email: string }[]>().map((c) => c.email)).toEqual(expect.arrayContaining(['kevin@startup.io', 'john.quick@example.org']));
  });

  it('should ask for a login once the database has employees', async () => {
    const again = await runCli(['db', 'seed', '--demo'], { env: { ...db.env, EPICEVENTS_HOME: tempHome() } });
    expectOneLineError(again, 3, /not logged in/);
  });

  it('should refuse with exit 6 when MANAGEMENT seeds a database that already holds the demo set', async () => {
    const claire = userFor(db, 'claire.fontaine@epic.events');
    await login(claire, DEMO_PASSWORD);
    const clients = await count(db, 'clients');
    const again = await claire.run(['db', 'seed', '--demo', '--scale', '10']);
    expectOneLineError(again, 6, /demo data set is already there/);
    expect(await count(db, 'clients')).toBe(clients);
  });
});

describe('db seed --demo --scale 0', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.close());

  it("should write only the reference examples besides the employees", async () => {
    const seeded = await runCli(['db', 'seed', '--demo', '--scale', '0', '--json'], { env: db.env, timeoutMs: 120000 });
    expect(seeded.code).toBe(0);
    expect(seeded.json<SeedDocument>()).toMatchObject({ clients: 2, contracts: 2, events: 2 });
    expect((await db.query<{ full_name: string }>('SELECT full_name FROM clients ORDER BY id')).map((c) => c.full_name)).toEqual(['Kevin Casey', 'John Quick']);
    expect(await count(db, `events WHERE name = 'John Quick Wedding'`)).toBe(1);
  });
});

describe('db seed --demo on a database in use', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.close());

  it('should refuse SALES with exit 4 and let MANAGEMENT seed N of each record with --scale', async () => {
    const manager = await initManager(db);
    await insertEmployee(db, { role: 'SALES', email: 'seller@epic.events' });
    const seller = userFor(db, 'seller@epic.events');
    await login(seller, FACTORY_PASSWORD);
    expectOneLineError(await seller.run(['db', 'seed', '--demo']), 4, /permission denied/);

    const seeded = await manager.run(['db', 'seed', '--demo', '--scale', '300', '--json'], { timeoutMs: 120000 });
    expect(seeded.code).toBe(0);
    expect(seeded.json<SeedDocument>()).toMatchObject({ clients: 300, contracts: 300, events: 300 });
    expect(await count(db, 'clients')).toBe(300);
    expect(await count(db, 'events')).toBe(300);
    // Case-insensitively unique, as the index requires.
    expect(await count(db, '(SELECT DISTINCT lower(email) FROM clients) AS emails')).toBe(300);
  });

  it.each([
    [['db', 'seed'], /--demo/],
    [['db', 'seed', '--demo', '--scale', 'lots'], /--scale must be a whole number/],
    [['db', 'seed', '--demo', '--scale', '1e6'], /--scale must be a whole number/],
  ])('should refuse %p with exit 2 before writing anything', async (args, pattern) => {
    const before = await count(db, 'clients');
    expectOneLineError(await runCli(args, { env: db.env }), 2, pattern);
    expect(await count(db, 'clients')).toBe(before);
  });
});
