import { Client } from 'pg';
import { type CliResult, runCli, TEST_JWT_SECRET, tempHome } from '../support/cli';
import { createPooledDatabase, type PooledDatabase, pooledDatabaseAvailable, requirePoolerInCi } from '../support/pooled-server';
import { type RunningServer, httpRequest, startServer } from '../support/server';
import { DEFAULT_TENANT_ID, serverUrl, withDatabase } from '../support/test-database';
import { TEST_PASSWORD } from '../support/users';

/**
 * `epicevents serve` behind PgBouncer in transaction mode, as a deployment with many servers would
 * run it: the server connects as the application role of `db roles --print` through a private
 * PgBouncer whose pool has two server sessions for ten of the server's connections, so consecutive
 * transactions of one connection land on different sessions. With EPICEVENTS_DB_POOLER=transaction
 * the server keeps nothing in a session (no named prepared statement, no startup parameter): the
 * CRM works, parallel payments lose nothing, and the statement limit comes from the role.
 */
requirePoolerInCi('the pooler test');
const onServer = pooledDatabaseAvailable() ? describe : describe.skip;

const POOLED_SESSIONS = 2;

async function queryAs<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function expectOk(result: CliResult, what: string): void {
  expect({ what, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ what, code: 0, stderr: '' });
}

onServer('a server behind PgBouncer in transaction mode', () => {
  let db: PooledDatabase;
  let server: RunningServer;
  /** A CLI user in server mode: only the server's address and their own config folder. */
  const cli = (home: string) => (args: string[], stdin?: string) => runCli(args, { env: { EPICEVENTS_SERVER: server.url, EPICEVENTS_HOME: home }, stdin });
  const appThroughBouncer = () => db.bouncer.urlFor(db.app.name, db.app.password, db.name);
  const ownerThroughBouncer = () => db.bouncer.urlFor(db.owner.name, db.owner.password, db.name);

  beforeAll(async () => {
    db = await createPooledDatabase({ prefix: 'epicevents_pooler', poolSize: POOLED_SESSIONS });
    server = await db.startServer({ env: { EPICEVENTS_DB_POOL: '10' } });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('should run the CRM through two pooled sessions, and lose no payment of a hundred parallel ones', async () => {
    const manager = cli(tempHome());
    expectOk(await manager(['init', '--first-name', 'Ada', '--last-name', 'Lovelace', '--email', 'ada@epic.events', '--password-stdin'], `${TEST_PASSWORD}\n`), 'init through the server');
    expectOk(await manager(['login', '--email', 'ada@epic.events', '--password-stdin'], `${TEST_PASSWORD}\n`), 'manager login');
    expectOk(await manager(['employee', 'create', '--first-name', 'Bill', '--last-name', 'Boquet', '--email', 'bill@epic.events', '--role', 'SALES', '--password-stdin'], `${TEST_PASSWORD}\n`), 'employee create');
    const sales = cli(tempHome());
    expectOk(await sales(['login', '--email', 'bill@epic.events', '--password-stdin'], `${TEST_PASSWORD}\n`), 'sales login');

    // Forty clients at once over HTTP: forty transactions taking turns on two sessions.
    const login = await httpRequest(server.url, 'POST', '/v1/auth/login', { body: { email: 'bill@epic.events', password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    const token = login.json<{ accessToken: string }>().accessToken;
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        httpRequest(server.url, 'POST', '/v1/clients', { token, body: { fullName: `Client ${i}`, email: `client${i}@pooled.io`, phone: `+3361234${String(5600 + i)}`, companyName: `Pooled ${i}` } }),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(Array(40).fill(201));
    const listed = await sales(['client', 'list', '--mine', '--json', '--limit', '100']);
    expectOk(listed, 'client list');
    expect(listed.json<unknown[]>()).toHaveLength(40);

    const clientId = created[0].json<{ id: number }>().id;
    const contract = await manager(['contract', 'create', '--client', String(clientId), '--total', '500', '--json']);
    expectOk(contract, 'contract create');
    const contractId = contract.json<{ id: number }>().id;
    expectOk(await manager(['contract', 'sign', String(contractId)]), 'contract sign');

    // 100 payments of 10.00 on 500.00 due, all at once: exactly 50 pass, the rest are refused whole.
    const payments = await Promise.all(
      Array.from({ length: 100 }, () => httpRequest(server.url, 'POST', `/v1/contracts/${contractId}/payments`, { token, body: { amount: '10.00' } })),
    );
    const statuses = payments.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses.filter((status) => status !== 200)).toEqual(Array(50).fill(409));
    const shown = await sales(['contract', 'show', String(contractId), '--json']);
    expectOk(shown, 'contract show');
    expect(shown.json<{ amountDue: string }>().amountDue).toBe('0.00');
    // As the superuser: the application role sees no row without a tenant (the next test).
    const [audit] = await queryAs<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM audit_log WHERE action = 'contract.pay'`);
    expect(audit.n).toBe(50);

    expectOk(await manager(['report']), 'report');
    expectOk(await manager(['audit', 'list']), 'audit list');

    // The server asked for ten connections; PostgreSQL saw at most PgBouncer's two for the role.
    const [sessions] = await queryAs<{ n: number }>(withDatabase(serverUrl()!, 'postgres'), `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = '${db.app.name}' AND datname = '${db.name}'`);
    expect(sessions.n).toBeGreaterThan(0);
    expect(sessions.n).toBeLessThanOrEqual(POOLED_SESSIONS);
  });

  it("should not carry one transaction's tenant to the next client's transaction on the same pooled session", async () => {
    const pooled = async (sql: string[]) => {
      const client = new Client({ connectionString: appThroughBouncer() });
      await client.connect();
      try {
        const results = [];
        for (const statement of sql) results.push((await client.query(statement)).rows);
        return results;
      } finally {
        await client.end();
      }
    };
    const count = 'SELECT count(*)::int AS n FROM clients';
    // Ten rounds over two server sessions: each session has run a transaction with the tenant set.
    for (let round = 0; round < 10; round += 1) {
      const inTenant = await pooled(['BEGIN', `SELECT set_config('app.tenant_id', '${DEFAULT_TENANT_ID}', true)`, count, 'COMMIT']);
      expect(inTenant[2]).toEqual([{ n: 40 }]);
      const after = await pooled([count, `SELECT current_setting('app.tenant_id', true) AS tenant`]);
      expect(after[0]).toEqual([{ n: 0 }]);
      expect(after[1][0].tenant ?? '').toBe('');
    }
  });

  it('should refuse a caller inside the request\'s transaction and leave no transaction open nor tenant set on a pooled session', async () => {
    const login = await httpRequest(server.url, 'POST', '/v1/auth/login', { body: { email: 'bill@epic.events', password: TEST_PASSWORD } });
    const token = login.json<{ accessToken: string }>().accessToken;
    // As the superuser, directly: row security hides every row from a session without a tenant.
    const owner = db.url;
    const [{ n: clientsBefore }] = await queryAs<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM clients');
    const requests = () =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? httpRequest(server.url, 'GET', '/v1/clients?limit=5', { token })
            : httpRequest(server.url, 'POST', '/v1/clients', { token, body: { fullName: `Refused ${i}`, email: `refused${i}@pooled.io`, phone: `+3361235${String(5600 + i)}`, companyName: 'Refused' } }),
        ),
      );
    try {
      // The caller's re-read is the first statement of each route's transaction: the refusals roll it back.
      await queryAs(owner, `UPDATE employees SET is_active = false WHERE email = 'bill@epic.events'`);
      const deactivated = await requests();
      expect(deactivated.map((r) => [r.status, r.json<{ detail: string }>().detail])).toEqual(Array(20).fill([401, 'this account is deactivated']));
      await queryAs(owner, `UPDATE employees SET is_active = true WHERE email = 'bill@epic.events'`);
      await queryAs(owner, `UPDATE tenants SET status = 'SUSPENDED' WHERE id = ${DEFAULT_TENANT_ID}`);
      const suspended = await requests();
      expect(suspended.map((r) => [r.status, r.json<{ detail: string }>().detail])).toEqual(Array(20).fill([403, 'payments are due: the account is suspended']));
    } finally {
      await queryAs(owner, `UPDATE employees SET is_active = true WHERE email = 'bill@epic.events'`);
      await queryAs(owner, `UPDATE tenants SET status = 'ACTIVE' WHERE id = ${DEFAULT_TENANT_ID}`);
    }
    const [{ n: clientsAfter }] = await queryAs<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM clients');
    expect(clientsAfter).toBe(clientsBefore);
    const [open] = await queryAs<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = '${db.app.name}' AND datname = '${db.name}' AND state <> 'idle'`);
    expect(open.n).toBe(0);
    // Both server sessions at once (two clients, each inside a transaction): neither kept a tenant.
    const clients = [new Client({ connectionString: appThroughBouncer() }), new Client({ connectionString: appThroughBouncer() })];
    try {
      for (const client of clients) {
        await client.connect();
        await client.query('BEGIN');
      }
      for (const client of clients) {
        const { rows } = await client.query<{ tenant: string | null; n: number }>(`SELECT current_setting('app.tenant_id', true) AS tenant, (SELECT count(*)::int FROM clients) AS n`);
        expect({ tenant: rows[0].tenant ?? '', n: rows[0].n }).toEqual({ tenant: '', n: 0 });
      }
    } finally {
      for (const client of clients) await client.end().catch(() => undefined);
    }
    expect((await requests()).map((r) => r.status).sort()).toEqual([...Array(10).fill(200), ...Array(10).fill(201)].sort());
  });

  it('should take the statement limit from the role, which every pooled session has', async () => {
    const [row] = await queryAs<{ statement_timeout: string }>(appThroughBouncer(), 'SHOW statement_timeout');
    expect(row.statement_timeout).toBe('30s');
  });

  it('should refuse to migrate through the pooler, naming the setting, and change nothing', async () => {
    const before = await queryAs<{ name: string }>(db.directUrl(db.owner.name, db.owner.password), 'SELECT name FROM migrations ORDER BY id');
    const result = await runCli(['db', 'migrate'], {
      env: { DATABASE_URL: ownerThroughBouncer(), EPICEVENTS_DB_POOLER: 'transaction', EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET, EPICEVENTS_HOME: tempHome() },
    });
    expect(result.code).toBe(7);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/migrations cannot run through a transaction pooler \(EPICEVENTS_DB_POOLER=transaction\).*directly/)]);
    expect(await queryAs<{ name: string }>(db.directUrl(db.owner.name, db.owner.password), 'SELECT name FROM migrations ORDER BY id')).toEqual(before);
  });

  it('should name the setting when a server starts behind the pooler without it', async () => {
    const unset = await startServer({ url: serverUrl(), env: { DATABASE_URL: appThroughBouncer(), EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET } }).then(
      async (started) => {
        await started.stop();
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(unset).toMatch(/refused the connection: unsupported startup parameter: statement_timeout.*EPICEVENTS_DB_POOLER=transaction/);
    expect(unset).not.toMatch(/this is a bug|\n\s+at /);
  });

  it('should refuse a pooler setting it does not know, before anything opens', async () => {
    const result = await runCli(['whoami'], { env: { DATABASE_URL: appThroughBouncer(), EPICEVENTS_DB_POOLER: 'session', EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET, EPICEVENTS_HOME: tempHome() } });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/EPICEVENTS_DB_POOLER must be "transaction" or unset \(got "session"\)/);
  });
});
