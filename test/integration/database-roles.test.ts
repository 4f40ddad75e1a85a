import { Client } from 'pg';
import { APPEND_ONLY_TABLES, DIRECTORY_TABLES, PLATFORM_APPEND_ONLY_TABLES, PLATFORM_TABLES, READ_ONLY_TABLES, READ_WRITE_TABLES, TENANT_USER_ROLE } from '../../src/database/roles-sql';
import { type CliResult, runCli, tempHome } from '../support/cli';
import { psqlAvailable, runRolesScript } from '../support/pooled-server';
import { adminQuery, DEFAULT_TENANT_ID, serverUrl, withDatabase } from '../support/test-database';
import { TEST_PASSWORD, type TestUser, userFor } from '../support/users';

/**
 * The least-privilege roles of docs/database.md on a fresh server database: the SQL printed by
 * `db roles --print` is run with psql as a superuser, the owner role migrates, and the whole CRM
 * story then runs through the real binary connected as the application role, which cannot change
 * the schema or rewrite the audit trail. Server only: the embedded engine has no roles.
 */
if (process.env.CI && serverUrl() && !psqlAvailable()) throw new Error('CI must have psql for the database-roles test');
const onServer = serverUrl() && psqlAvailable() ? describe : describe.skip;

const suffix = `${process.pid}_${Date.now() % 100000}`;
const database = `epicevents_roles_${suffix}`;
/** A second, empty database for `db seed --demo`, whose demo accounts and clients the story's would collide with. */
const seedDatabase = `epicevents_roles_seed_${suffix}`;
const owner = `ee_owner_${suffix}`;
const app = `ee_app_${suffix}`;

function urlAs(role: string, password: string, name = database): string {
  const url = new URL(withDatabase(serverUrl()!, name));
  url.username = role;
  url.password = password;
  return url.toString();
}

function runPsql(sql: string, name = database): string {
  return runRolesScript(withDatabase(serverUrl()!, name), sql, { owner: 'owner-pass-2031', app: 'app-pass-2031' });
}

function expectOk(result: CliResult, what: string): void {
  expect({ what, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ what, code: 0, stderr: '' });
}

onServer('least-privilege database roles', () => {
  let sql: string;

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`);
    await adminQuery(`CREATE DATABASE ${seedDatabase}`);
  });

  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await adminQuery(`DROP DATABASE IF EXISTS ${seedDatabase} WITH (FORCE)`);
    await adminQuery(`DROP ROLE IF EXISTS ${app}`);
    await adminQuery(`DROP ROLE IF EXISTS ${owner}`);
  });

  it('should print the SQL for the configured database without a login, a connection or a password', async () => {
    const printed = await runCli(['db', 'roles', '--print', '--owner', owner, '--app', app, '--json'], {
      env: { DATABASE_URL: urlAs('postgres', 'not-in-the-sql'), EPICEVENTS_HOME: tempHome() },
    });
    expectOk(printed, 'db roles --print');
    const json = printed.json<{ database: string; owner: string; app: string; sql: string }>();
    expect(json).toMatchObject({ database, owner, app });
    sql = json.sql;
    expect(sql).not.toMatch(/not-in-the-sql|PASSWORD '/);
    expect(sql).toMatch(/\\password/);
    // Printing never connects: a server that does not exist is fine.
    const offline = await runCli(['db', 'roles', '--print'], { env: { DATABASE_URL: 'postgres://x@127.0.0.1:9/epic', EPICEVENTS_HOME: tempHome() } });
    expectOk(offline, 'db roles --print against no server');
    expect(offline.stdout).toMatch(/CREATE ROLE epicevents_owner/);
    expect(offline.stdout).toMatch(/GRANT CONNECT ON DATABASE "epic" TO epicevents_app/);
  });

  it('should refuse role names that are not plain identifiers, and a missing --print, with exit 2', async () => {
    const env = { DATABASE_URL: withDatabase(serverUrl()!, database), EPICEVENTS_HOME: tempHome() };
    for (const bad of ['x; DROP ROLE postgres', 'Owner', 'pg_owner', '']) {
      expect((await runCli(['db', 'roles', '--print', '--owner', bad], { env })).code).toBe(2);
    }
    expect((await runCli(['db', 'roles', '--print', '--owner', 'same', '--app', 'same'], { env })).code).toBe(2);
    expect((await runCli(['db', 'roles'], { env })).code).toBe(2);
  });

  it('should let the owner migrate and the application role run the whole story', async () => {
    runPsql(sql); // roles, database and schema ownership; no tables yet
    const ownerEnv = { DATABASE_URL: urlAs(owner, 'owner-pass-2031'), EPICEVENTS_HOME: tempHome() };
    expectOk(await runCli(['db', 'migrate'], { env: ownerEnv }), 'db migrate as the owner');
    runPsql(sql); // again: grants on the tables the migrations created
    // Every table the migrations create has its rights in the script: a new table must be added there.
    const tables = (await queryAs(withDatabase(serverUrl()!, database), "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) as { t: string }[];
    expect(tables.map((row) => row.t)).toEqual([...READ_WRITE_TABLES, ...APPEND_ONLY_TABLES, ...READ_ONLY_TABLES, ...DIRECTORY_TABLES, ...PLATFORM_TABLES, ...PLATFORM_APPEND_ONLY_TABLES].sort());
    // The role a superuser session switches to has exactly the application role's rights.
    const rights = async (role: string) =>
      queryAs(
        withDatabase(serverUrl()!, database),
        `SELECT c.relname AS object, p.privilege, has_table_privilege('${role}', c.oid, p.privilege) AS granted
           FROM pg_class c CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(privilege)
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S') AND (c.relkind = 'r' OR p.privilege = 'SELECT')
         UNION ALL
         SELECT p.oid::regprocedure::text, 'EXECUTE', has_function_privilege('${role}', p.oid, 'EXECUTE')
           FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname IN ('tenant_by_slug', 'current_tenant', 'current_tenant_account', 'current_tenant_standing', 'create_tenant', 'platform_tenants', 'set_tenant_status', 'set_tenant_plan', 'extend_tenant_trial', 'tenant_counts')
          ORDER BY 1, 2`,
        null,
      );
    expect(await rights(TENANT_USER_ROLE)).toEqual(await rights(app));

    const appEnv = { DATABASE_URL: urlAs(app, 'app-pass-2031') };
    const as = (email: string): TestUser => userFor({ env: appEnv, url: appEnv.DATABASE_URL, query: async () => [], close: async () => undefined }, email);
    const manager = as('ada@epic.events');
    expectOk(
      await manager.run(['init', '--first-name', 'Ada', '--last-name', 'Lovelace', '--email', 'ada@epic.events', '--password-stdin'], { stdin: `${TEST_PASSWORD}\n` }),
      'init as the application role',
    );
    expectOk(await manager.run(['login', '--email', 'ada@epic.events', '--password-stdin'], { stdin: `${TEST_PASSWORD}\n` }), 'manager login');
    const bill = await manager.run(['employee', 'create', '--first-name', 'Bill', '--last-name', 'Boquet', '--email', 'bill@epic.events', '--role', 'SALES', '--password-stdin', '--json'], {
      stdin: `${TEST_PASSWORD}\n`,
    });
    expectOk(bill, 'employee create');
    const kate = await manager.run(['employee', 'create', '--first-name', 'Kate', '--last-name', 'Hastings', '--email', 'kate@epic.events', '--role', 'SUPPORT', '--password-stdin', '--json'], {
      stdin: `${TEST_PASSWORD}\n`,
    });
    expectOk(kate, 'employee create');
    const sales = as('bill@epic.events');
    expectOk(await sales.run(['login', '--email', 'bill@epic.events', '--password-stdin'], { stdin: `${TEST_PASSWORD}\n` }), 'sales login');
    const client = await sales.run(['client', 'create', '--full-name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '+33 6 12 34 56 78', '--company', 'Cool Startup LLC', '--json']);
    expectOk(client, 'client create');
    const contract = await manager.run(['contract', 'create', '--client', String(client.json<{ id: number }>().id), '--total', '1500', '--json']);
    expectOk(contract, 'contract create');
    const contractId = String(contract.json<{ id: number }>().id);
    expectOk(await manager.run(['contract', 'sign', contractId]), 'contract sign');
    expectOk(await sales.run(['contract', 'pay', contractId, '--amount', '500.50']), 'contract pay');
    const event = await sales.run([
      'event', 'create', '--contract', contractId, '--name', 'John Quick Wedding', '--start', '2031-06-04T13:00', '--end', '2031-06-05T02:00',
      '--location', '53 Rue du Château, 41120 Candé-sur-Beuvron, France', '--attendees', '75', '--json',
    ]);
    expectOk(event, 'event create');
    const eventId = String(event.json<{ id: number }>().id);
    const kateId = String(kate.json<{ id: number }>().id);
    expectOk(await manager.run(['event', 'update', eventId, '--support', kateId]), 'event update --support');
    const support = as('kate@epic.events');
    expectOk(await support.run(['login', '--email', 'kate@epic.events', '--password-stdin'], { stdin: `${TEST_PASSWORD}\n` }), 'support login');
    expectOk(await support.run(['event', 'update', eventId, '--notes', 'DJ booked']), 'event update --notes (support)');
    expectOk(await support.run(['notification', 'list']), 'notification list');
    expectOk(await support.run(['notification', 'read', '--all']), 'notification read --all');
    expectOk(await sales.run(['client', 'update', String(client.json<{ id: number }>().id), '--company', 'Cool Startup SAS']), 'client update');
    expectOk(await manager.run(['contract', 'update', contractId, '--total', '1600']), 'contract update');
    expectOk(await sales.run(['client', 'import', '-'], { stdin: 'full_name,email,phone,company_name\nAnn One,ann@import.io,+33612345601,One SA\n' }), 'client import');
    // An event within 7 days: the next command of anyone writes the reminder (INSERT … ON CONFLICT).
    const soon = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 16);
    const soonEnd = new Date(Date.now() + 2 * 86400_000 + 3600_000).toISOString().slice(0, 16);
    const upcoming = await sales.run(['event', 'create', '--contract', contractId, '--name', 'Rehearsal', '--start', `${soon}Z`, '--end', `${soonEnd}Z`, '--location', 'Paris', '--attendees', '10', '--json']);
    expectOk(upcoming, 'event create (within 7 days)');
    expectOk(await sales.run(['whoami']), 'whoami');
    expectOk(await manager.run(['event', 'delete', String(upcoming.json<{ id: number }>().id), '--yes']), 'event delete');
    const draft = await manager.run(['contract', 'create', '--client', String(client.json<{ id: number }>().id), '--total', '10', '--json']);
    expectOk(draft, 'contract create (draft)');
    expectOk(await manager.run(['contract', 'delete', String(draft.json<{ id: number }>().id), '--yes']), 'contract delete');
    const temp = await manager.run(['employee', 'create', '--first-name', 'Tom', '--last-name', 'Temp', '--email', 'tom@epic.events', '--role', 'SUPPORT', '--json']);
    expectOk(temp, 'employee create (one-time password)');
    const tempId = String(temp.json<{ id: number }>().id);
    const tom = as('tom@epic.events');
    expectOk(await tom.run(['login', '--email', 'tom@epic.events', '--password-stdin'], { stdin: `${temp.json<{ oneTimePassword: string }>().oneTimePassword}\n` }), 'login with a one-time password');
    expectOk(await tom.run(['password', 'change', '--stdin'], { stdin: `${temp.json<{ oneTimePassword: string }>().oneTimePassword}\n${TEST_PASSWORD}-tom\n` }), 'password change');
    expectOk(await tom.run(['logout']), 'logout');
    expectOk(await manager.run(['employee', 'update', tempId, '--phone', '+33612345699']), 'employee update');
    expectOk(await manager.run(['employee', 'reset-password', tempId]), 'employee reset-password');
    expectOk(await manager.run(['employee', 'deactivate', tempId]), 'employee deactivate');
    expectOk(await manager.run(['employee', 'reactivate', tempId]), 'employee reactivate');
    expectOk(await manager.run(['employee', 'delete', kateId, '--reassign-to', tempId, '--yes']), 'employee delete --reassign-to');
    expectOk(await manager.run(['report']), 'report');
    expectOk(await manager.run(['audit', 'list']), 'audit list');
    const [due] = (await queryAs(urlAs(app, 'app-pass-2031'), `SELECT amount_due::text AS due FROM contracts WHERE id = ${Number(contractId)}`)) as { due: string }[];
    expect(due).toEqual({ due: '1099.50' });
    const [reminders] = (await queryAs(urlAs(app, 'app-pass-2031'), `SELECT count(*)::int AS n FROM notifications WHERE kind = 'event_upcoming'`)) as { n: number }[];
    expect(reminders.n).toBeGreaterThan(0);

    // Schema changes through the CLI are refused as a configuration problem (exit 7), never a crash.
    // (A manager's: on a database with employees nobody else gets as far as the schema.)
    const revert = await manager.run(['db', 'revert', '--yes']);
    expect({ code: revert.code, stderr: revert.stderr }).toMatchObject({ code: 7, stderr: expect.stringMatching(/lacks this privilege/) });
  });

  it('should let the application role seed the demo data of an empty database', async () => {
    const seedSql = (await runCli(['db', 'roles', '--print', '--owner', owner, '--app', app, '--json'], {
      env: { DATABASE_URL: urlAs('postgres', '', seedDatabase), EPICEVENTS_HOME: tempHome() },
    })).json<{ sql: string }>().sql;
    runPsql(seedSql, seedDatabase);
    expectOk(await runCli(['db', 'migrate'], { env: { DATABASE_URL: urlAs(owner, 'owner-pass-2031', seedDatabase), EPICEVENTS_HOME: tempHome() } }), 'db migrate as the owner');
    runPsql(seedSql, seedDatabase);
    const appEnv = { DATABASE_URL: urlAs(app, 'app-pass-2031', seedDatabase), EPICEVENTS_HOME: tempHome() };
    expectOk(await runCli(['db', 'seed', '--demo', '--scale', '5'], { env: appEnv }), 'db seed --demo as the application role');
    const [{ n }] = (await queryAs(appEnv.DATABASE_URL, 'SELECT count(*)::int AS n FROM clients')) as { n: number }[];
    expect(n).toBeGreaterThanOrEqual(5);
    // Row security holds the application role: without a tenant it sees none of them.
    expect(await queryAs(appEnv.DATABASE_URL, 'SELECT count(*)::int AS n FROM clients', null)).toEqual([{ n: 0 }]);
    expect(await queryAs(appEnv.DATABASE_URL, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`, null)).toEqual([{ rolsuper: false, rolbypassrls: false }]);
  });

  it('should stamp an entry with the database clock, whatever occurred_at the insert sent', async () => {
    const [entry] = (await queryAs(
      urlAs(app, 'app-pass-2031'),
      `INSERT INTO audit_log (occurred_at, action, entity_type) VALUES ('2001-01-01T00:00:00Z', 'backdated', 'client')
       RETURNING occurred_at >= now() AS stamped_by_database, occurred_at < '2002-01-01' AS backdated`,
    )) as { stamped_by_database: boolean; backdated: boolean }[];
    expect(entry).toEqual({ stamped_by_database: true, backdated: false });
  });

  it.each([
    ['CREATE TABLE', 'CREATE TABLE intruder (id int)', /permission denied for schema public/],
    ['DROP TABLE', 'DROP TABLE clients', /must be owner of table clients/],
    ['ALTER TABLE', 'ALTER TABLE clients ADD COLUMN intruder int', /must be owner of table clients/],
    ['CREATE SCHEMA', 'CREATE SCHEMA intruder', /permission denied for database/],
    ['UPDATE on the audit trail', "UPDATE audit_log SET action = 'forged'", /permission denied for table audit_log/],
    ['DELETE on the audit trail', 'DELETE FROM audit_log', /permission denied for table audit_log/],
    ['TRUNCATE on the audit trail', 'TRUNCATE audit_log', /permission denied for table audit_log/],
    ['INSERT into migrations', "INSERT INTO migrations (timestamp, name) VALUES (1, 'Forged1')", /permission denied for table migrations/],
    ['creating a large object', 'SELECT lo_create(0)', /permission denied for function lo_create/],
    ['creating a large object from bytes', "SELECT lo_from_bytea(0, '\\x00'::bytea)", /permission denied for function lo_from_bytea/],
    ['creating a large object (old form)', 'SELECT lo_creat(-1)', /permission denied for function lo_creat/],
    ['opening a large object', 'SELECT lo_open(1, 393216)', /permission denied for function lo_open/],
  ])('should refuse %s to the application role with SQLSTATE 42501', async (_what, statement, message) => {
    let caught: { code?: string; message?: string } | undefined;
    try {
      await queryAs(urlAs(app, 'app-pass-2031'), statement);
    } catch (error) {
      caught = error as { code?: string; message?: string };
    }
    // The privilege check, not the append-only trigger (which also says 42501), refuses it.
    expect({ code: caught?.code, message: caught?.message }).toEqual({ code: '42501', message: expect.stringMatching(message) });
  });
});

/** `sql` on a connection of its own, in the tenant `default` unless `tenant` says otherwise (null: none). */
async function queryAs(url: string, sql: string, tenant: number | null = DEFAULT_TENANT_ID): Promise<unknown[]> {
  const client = new Client({ connectionString: url, ...(tenant === null ? {} : { options: `-c app.tenant_id=${tenant}` }) });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
