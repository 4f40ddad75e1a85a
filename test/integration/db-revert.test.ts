import { MIGRATIONS } from '../../src/database/migrations';
import { expectOneLineError } from '../support/assertions';
import { runCli, tempHome } from '../support/cli';
import { insertClient, insertEmployee } from '../support/factories';
import { startInTerminal, tmuxAvailable } from '../support/terminal';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, loggedIn, type TestUser } from '../support/users';

/**
 * `db revert` drops what a migration created, the tables and their rows with it. Once the database
 * has an employee it takes a MANAGEMENT login and a confirmation, and names what it removes;
 * without employees it works as before. Through the real binary, on the server or the embedded
 * engine (whichever the run uses).
 */
const NAMES = MIGRATIONS.map((m) => m.name);
const NEWEST = NAMES[NAMES.length - 1];
/** What reverting drops: Tenants the plans and the tenant `default`; TenantLimits the usage row of `default`; Platform its empty tables. */
const PLATFORM_TABLES = ['platform_audit_log', 'platform_operators', 'platform_sessions'].map((table) => ({ table, rows: 0 }));
const DROPPED: Record<string, { table: string; rows: number }[]> = {
  Tenants1796000000000: [{ table: 'plans', rows: 3 }, { table: 'tenants', rows: 1 }],
  TenantLimits1796100000000: [{ table: 'tenant_usage', rows: 1 }],
  Platform1796200000000: PLATFORM_TABLES,
};
const droppedBy = (name: string) => DROPPED[name] ?? [];

interface Reverted {
  reverted: string | null;
  droppedTables: { table: string; rows: number }[];
}

let db: TestDatabase;
let manager: TestUser;
let sales: TestUser & { id: number };

/** Nobody logged in: an empty config folder (on the embedded engine, EPICEVENTS_HOME would also move the data). */
const anonymousEnv = () => ({ ...db.env, ...(db.url ? { EPICEVENTS_HOME: tempHome() } : { XDG_CONFIG_HOME: tempHome() }) });

async function applied(): Promise<string[]> {
  const rows = await db.query<{ name: string }>(`SELECT name FROM migrations ORDER BY id`);
  return rows.map((r) => r.name);
}

async function clientCount(): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM clients');
  return row.n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
  sales = await loggedIn(db, 'SALES', 'bill@epic.events');
  for (let i = 0; i < 3; i += 1) await insertClient(db, { salesContactId: sales.id });
});
afterAll(async () => db.close());

describe('db revert once the database has employees', () => {
  it('should refuse without a login (exit 3) and drop nothing', async () => {
    const result = await runCli(['db', 'revert', '--yes'], { env: anonymousEnv() });
    expectOneLineError(result, 3, /not logged in/);
    expect(await applied()).toEqual(NAMES);
    expect(await clientCount()).toBe(3);
  });

  it('should refuse anyone but MANAGEMENT with exit 4, before asking anything', async () => {
    expectOneLineError(await sales.run(['db', 'revert', '--yes']), 4, /permission denied: SALES cannot revert a schema migration/);
    expectOneLineError(await sales.run(['db', 'revert']), 4, /permission denied/);
    expect(await applied()).toEqual(NAMES);
  });

  it('should need --yes off a terminal, and drop nothing without it', async () => {
    expectOneLineError(await manager.run(['db', 'revert']), 2, /--yes is required/);
    expect(await applied()).toEqual(NAMES);
  });

  (tmuxAvailable ? it : it.skip)('should ask on a terminal, naming the migration and the tables it drops with their rows; a no reverts nothing and is no failure (exit 0)', async () => {
    // The step that drops every table: the others first, under a login and --yes.
    for (const name of [...NAMES].reverse().slice(0, -1)) {
      const step = await manager.run(['db', 'revert', '--yes', '--json']);
      expect(step.code).toBe(0);
      expect(step.json<Reverted>()).toEqual({ reverted: name, droppedTables: droppedBy(name) });
    }
    expect(await applied()).toEqual([NAMES[0]]);

    const no = await startInTerminal(['db', 'revert'], manager.env);
    try {
      // inquirer wraps the question at word boundaries.
      const screen = (await no.waitFor(/\(y\/N\)/)).replace(/\s*\n\s*/g, ' ');
      expect(screen).toMatch(/This cannot be undone/);
      expect(screen).toMatch(new RegExp(`Delete migration ${NAMES[0]} and the tables .*clients \\(3 rows\\).*employees \\(2 rows\\)`));
      no.send('n', 'Enter');
      expect(await no.exitCode()).toBe(0);
      expect(await no.waitFor(/nothing reverted/)).not.toMatch(/error|cancelled/);
    } finally {
      no.close();
    }
    expect(await applied()).toEqual([NAMES[0]]);
    expect(await clientCount()).toBe(3);
  });

  it('should revert with --yes, saying which tables it dropped and how many rows they held', async () => {
    // Without a terminal the steps before the last one are reverted here.
    while ((await applied()).length > 1) expect((await manager.run(['db', 'revert', '--yes'])).code).toBe(0);
    const human = await manager.run(['db', 'revert', '--yes']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^reverted ${NAMES[0]}: dropped the tables .*clients \\(3 rows\\).*employees \\(2 rows\\)`));
    const [row] = await db.query<{ present: boolean }>(`SELECT to_regclass('public.clients') IS NOT NULL AS present`);
    expect(row.present).toBe(false);
  });

  it('should need no login on a database without employees: nothing to revert, then a fresh schema', async () => {
    const anonymous = anonymousEnv();
    const zero = await runCli(['db', 'revert', '--json'], { env: anonymous });
    expect({ code: zero.code, stderr: zero.stderr }).toEqual({ code: 0, stderr: '' });
    expect(zero.json<Reverted>()).toEqual({ reverted: null, droppedTables: [] });
    const migrate = await runCli(['db', 'migrate'], { env: anonymous });
    expect({ code: migrate.code, stderr: migrate.stderr }).toEqual({ code: 0, stderr: '' });
    const step = await runCli(['db', 'revert', '--json'], { env: anonymous });
    expect(step.code).toBe(0);
    expect(step.json<Reverted>()).toEqual({ reverted: NEWEST, droppedTables: droppedBy(NEWEST) });
    // An employee again: the next step is refused without a login.
    expect((await runCli(['db', 'migrate'], { env: anonymous })).code).toBe(0);
    await insertEmployee(db, { role: 'SUPPORT' });
    expectOneLineError(await runCli(['db', 'revert', '--yes'], { env: anonymous }), 3, /not logged in/);
  });
});
