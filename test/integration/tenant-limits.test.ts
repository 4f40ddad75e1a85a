import { Client } from 'pg';
import { TENANT_USER_ROLE } from '../../src/database/roles-sql';
import { PLAN_LIMIT_SQLSTATE } from '../../src/database/tenant-scope';
import { planLimitMessage } from '../../src/domain/plans';
import { type CliResult } from '../support/cli';
import { FACTORY_PASSWORD, FACTORY_PASSWORD_HASH } from '../support/factories';
import { accessToken, httpRequest, type HttpResponse, servedDatabase } from '../support/server';
import { DEFAULT_TENANT_ID, NOWHERE_DATABASE_URL, serverUrl } from '../support/test-database';
import { userFor } from '../support/users';

/**
 * The plans' limits, kept by the database under a lock (migration TenantLimits): the usage
 * triggers as the role the server runs as, parallel creations at the limit (as SQL, READ COMMITTED
 * and REPEATABLE READ, and through a real `epicevents serve`), a plan made smaller, and an import
 * that would pass the limit. Server only: the tenants are made, and filled, by SQL.
 */

const EMPLOYEES_FULL = planLimitMessage('STARTER', 'employees', 5);
const CLIENTS_FULL = planLimitMessage('STARTER', 'clients', 1000);
const PARALLEL = 10;

(serverUrl() ? describe : describe.skip)('plan limits', () => {
  const served = servedDatabase();
  let slugs = 0;

  /** A new tenant on `plan`; its rows are then written by `inTenant`. */
  async function makeTenant(plan: string): Promise<{ id: number; slug: string }> {
    const slug = `limits-${++slugs}`;
    const [{ id }] = await served.db.query<{ id: number }>(`INSERT INTO tenants (slug, name, plan, status) VALUES ($1::text, $1::text, $2, 'ACTIVE') RETURNING id::int AS id`, [slug, plan]);
    return { id, slug };
  }

  /** SQL as the superuser in `tenant` (the tenant_id columns' default reads the setting). */
  async function inTenant<T>(tenant: number, sql: string, params: unknown[] = []): Promise<T[]> {
    await served.db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(tenant)]);
    try {
      return await served.db.query<T>(sql, params);
    } finally {
      await served.db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(DEFAULT_TENANT_ID)]);
    }
  }

  const addEmployees = (tenant: number, role: string, emails: string[]) =>
    inTenant<{ id: number }>(
      tenant,
      `INSERT INTO employees (first_name, last_name, email, role, password_hash) SELECT 'Test', 'Person', e, $2, $3 FROM unnest($1::text[]) e RETURNING id`,
      [emails, role, FACTORY_PASSWORD_HASH],
    );
  const addClients = (tenant: number, owner: number, count: number) =>
    inTenant(
      tenant,
      `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) SELECT 'Client ' || n, 'client' || n || '@limits.example', '+33612345678', 'Co', $1 FROM generate_series(1, $2::int) n`,
      [owner, count],
    );

  /** The counters and the real counts of a tenant, as the superuser sees them. */
  async function usage(tenant: number) {
    const [row] = await served.db.query<Record<string, number>>(
      `SELECT u.active_employees AS counted_employees, (SELECT count(*)::int FROM employees e WHERE e.tenant_id = $1 AND e.is_active) AS employees,
              u.clients AS counted_clients, (SELECT count(*)::int FROM clients c WHERE c.tenant_id = $1) AS clients
         FROM tenant_usage u WHERE u.tenant_id = $1`,
      [tenant],
    );
    return row;
  }

  /** A connection as the tenant role: the application role's rights, held to row security. */
  async function tenantRoleConnection(): Promise<Client> {
    const client = new Client({ connectionString: served.db.url });
    await client.connect();
    await client.query(`SET ROLE ${TENANT_USER_ROLE}`);
    return client;
  }

  /** Runs `sql` in one transaction of `tenant` on each connection at once; the outcome of each. */
  async function inParallel(connections: Client[], tenant: number, isolation: string, sql: (i: number) => [string, unknown[]]) {
    return Promise.allSettled(
      connections.map(async (client, i) => {
        await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
        try {
          await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(tenant)]);
          await client.query(...sql(i));
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }),
    );
  }

  const login = (slug: string, email: string) => accessToken(served.server.url, email, { tenant: slug });
  const problem = (response: HttpResponse) => ({ status: response.status, detail: response.status >= 400 ? response.json().detail : undefined });

  describe('as SQL', () => {
    let connections: Client[] = [];
    beforeAll(async () => {
      connections = await Promise.all(Array.from({ length: PARALLEL }, () => tenantRoleConnection()));
    });
    afterAll(async () => {
      await Promise.all(connections.map((client) => client.end()));
    });

    it('should refuse, as the role the server runs as, the sixth active employee of a STARTER tenant with ET002 naming the limit and the plan', async () => {
      const { id } = await makeTenant('STARTER');
      const [app] = connections;
      await app.query('BEGIN');
      try {
        await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(id)]);
        const insert = (emails: string[]) =>
          app.query(`INSERT INTO employees (first_name, last_name, email, role, password_hash) SELECT 'A', 'B', e, 'SALES', $2 FROM unnest($1::text[]) e`, [emails, FACTORY_PASSWORD_HASH]);
        await insert(['a1@x.example', 'a2@x.example', 'a3@x.example', 'a4@x.example', 'a5@x.example']);
        await expect(insert(['a6@x.example'])).rejects.toMatchObject({ code: PLAN_LIMIT_SQLSTATE, message: EMPLOYEES_FULL });
      } finally {
        await app.query('ROLLBACK');
      }
      // The application may not write the counters itself, nor read them but through the function.
      await expect(app.query(`UPDATE tenant_usage SET active_employees = 0`)).rejects.toMatchObject({ code: '42501' });
      await expect(app.query(`SELECT * FROM tenant_usage`)).rejects.toMatchObject({ code: '42501' });
    });

    it.each(['READ COMMITTED', 'REPEATABLE READ'])('should let exactly one of ten parallel employee creations at the limit minus one pass (%s)', async (isolation) => {
      const { id } = await makeTenant('STARTER');
      await addEmployees(id, 'SALES', ['b1@x.example', 'b2@x.example', 'b3@x.example', 'b4@x.example']);
      const outcomes = await inParallel(connections, id, isolation, (i) => [
        `INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('P', 'Q', $1, 'SUPPORT', $2)`,
        [`parallel${i}@x.example`, FACTORY_PASSWORD_HASH],
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      // Read committed: the later ones count the first's row and are refused. Repeatable read: they
      // cannot update a row changed since their snapshot (40001), which the CLI says as "run it again".
      const codes = new Set(outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code: string }).code] : [])));
      for (const code of codes) expect([PLAN_LIMIT_SQLSTATE, '40001']).toContain(code);
      expect(await usage(id)).toMatchObject({ counted_employees: 5, employees: 5 });
    });

    it.each(['READ COMMITTED', 'REPEATABLE READ'])('should let exactly one of ten parallel client creations at the limit minus one pass (%s)', async (isolation) => {
      const { id } = await makeTenant('STARTER');
      const [{ id: owner }] = await addEmployees(id, 'SALES', ['owner@x.example']);
      await addClients(id, owner, 999);
      const outcomes = await inParallel(connections, id, isolation, (i) => [
        `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('P Q', $1, '+33612345678', 'Co', $2)`,
        [`parallel${i}@client.example`, owner],
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(await usage(id)).toMatchObject({ counted_clients: 1000, clients: 1000 });
    });

    it('should keep the counters through updates, deletes and TRUNCATE, and give a new tenant its row', async () => {
      const { id } = await makeTenant('ENTERPRISE');
      expect(await usage(id)).toEqual({ counted_employees: 0, employees: 0, counted_clients: 0, clients: 0 });
      const staff = await addEmployees(id, 'SALES', ['c1@x.example', 'c2@x.example', 'c3@x.example']);
      await addClients(id, staff[0].id, 4);
      await inTenant(id, `UPDATE employees SET is_active = false WHERE id = ANY($1)`, [[staff[1].id, staff[2].id]]);
      await inTenant(id, `UPDATE employees SET is_active = true WHERE id = $1`, [staff[2].id]);
      await inTenant(id, `DELETE FROM clients WHERE email = 'client1@limits.example'`);
      await inTenant(id, `DELETE FROM employees WHERE id = $1`, [staff[1].id]);
      expect(await usage(id)).toEqual({ counted_employees: 2, employees: 2, counted_clients: 3, clients: 3 });
      // TRUNCATE empties the table for every tenant, and so every tenant's counter.
      await served.db.query('TRUNCATE clients CASCADE');
      const [{ agree }] = await served.db.query<{ agree: boolean }>(
        `SELECT bool_and(u.clients = 0 AND u.active_employees = (SELECT count(*) FROM employees e WHERE e.tenant_id = u.tenant_id AND e.is_active)) AS agree FROM tenant_usage u`,
      );
      expect(agree).toBe(true);
    });
  });

  describe('through the server', () => {
    it('should create exactly one of ten parallel employees at the limit minus one, and answer the others 409 naming the limit', async () => {
      const { id, slug } = await makeTenant('STARTER');
      await addEmployees(id, 'MANAGEMENT', ['boss@x.example']);
      await addEmployees(id, 'SALES', ['d1@x.example', 'd2@x.example', 'd3@x.example']);
      const token = await login(slug, 'boss@x.example');
      const answers = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          httpRequest(served.server.url, 'POST', '/v1/employees', { token, body: { firstName: 'New', lastName: `Hire${i}`, email: `hire${i}@x.example`, role: 'SUPPORT' } }),
        ),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status !== 201).map(problem)).toEqual(Array(PARALLEL - 1).fill({ status: 409, detail: EMPLOYEES_FULL }));
      expect(await usage(id)).toMatchObject({ counted_employees: 5, employees: 5 });
    });

    it('should create exactly one of ten parallel clients at the limit minus one', async () => {
      const { id, slug } = await makeTenant('STARTER');
      const [{ id: owner }] = await addEmployees(id, 'SALES', ['seller@x.example']);
      await addClients(id, owner, 999);
      const token = await login(slug, 'seller@x.example');
      const answers = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          httpRequest(served.server.url, 'POST', '/v1/clients', { token, body: { fullName: 'Race Client', email: `race${i}@client.example`, phone: '+33612345678', companyName: 'Co' } }),
        ),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status !== 201).map(problem)).toEqual(Array(PARALLEL - 1).fill({ status: 409, detail: CLIENTS_FULL }));
      expect(await usage(id)).toMatchObject({ counted_clients: 1000, clients: 1000 });
      // At the limit: refused before any work, with the same sentence.
      const more = await httpRequest(served.server.url, 'POST', '/v1/clients', { token, body: { fullName: 'One More', email: 'more@client.example', phone: '+33612345678', companyName: 'Co' } });
      expect(problem(more)).toEqual({ status: 409, detail: CLIENTS_FULL });
    });

    it('should let a tenant over its limit after a smaller plan deactivate and delete, and refuse reactivation and creation', async () => {
      const { id, slug } = await makeTenant('PROFESSIONAL');
      await addEmployees(id, 'MANAGEMENT', ['chief@x.example']);
      const sales = await addEmployees(id, 'SALES', ['e1@x.example', 'e2@x.example', 'e3@x.example', 'e4@x.example', 'e5@x.example', 'e6@x.example']);
      await served.db.query(`UPDATE tenants SET plan = 'STARTER' WHERE id = $1`, [id]);
      expect(await usage(id)).toMatchObject({ counted_employees: 7, employees: 7 });
      const token = await login(slug, 'chief@x.example');
      const [first, second] = sales.map((s) => s.id);
      expect(problem(await httpRequest(served.server.url, 'POST', `/v1/employees/${first}/deactivate`, { token }))).toEqual({ status: 200, detail: undefined });
      expect(problem(await httpRequest(served.server.url, 'DELETE', `/v1/employees/${second}`, { token }))).toEqual({ status: 200, detail: undefined });
      // Still 5 active: at the limit, so neither back nor new.
      expect(problem(await httpRequest(served.server.url, 'POST', `/v1/employees/${first}/reactivate`, { token }))).toEqual({ status: 409, detail: EMPLOYEES_FULL });
      const hire = await httpRequest(served.server.url, 'POST', '/v1/employees', { token, body: { firstName: 'No', lastName: 'Room', email: 'noroom@x.example', role: 'SALES' } });
      expect(problem(hire)).toEqual({ status: 409, detail: EMPLOYEES_FULL });
      expect(await usage(id)).toMatchObject({ counted_employees: 5, employees: 5 });
    });
  });

  describe('an import that would pass the limit', () => {
    // A plan's limit of clients made small in this test database, so a file of a few lines passes it.
    beforeAll(async () => {
      await served.db.query(`UPDATE plans SET max_clients = 10 WHERE code = 'PROFESSIONAL'`);
    });
    afterAll(async () => {
      await served.db.query(`UPDATE plans SET max_clients = 100000 WHERE code = 'PROFESSIONAL'`);
    });
    const csv = (from: number, count: number) =>
      `full_name,email,phone,company_name\n${Array.from({ length: count }, (_, i) => `Imported ${from + i},imported${from + i}@x.example,+33612345678,Co\n`).join('')}`;

    it.each(['direct', 'server'])('should refuse it with exit 6 and import nothing (%s mode)', async (mode) => {
      const { id, slug } = await makeTenant('PROFESSIONAL');
      const [{ id: owner }] = await addEmployees(id, 'SALES', ['importer@x.example']);
      await addClients(id, owner, 8);
      const env: Record<string, string> =
        mode === 'direct'
          ? { EPICEVENTS_TENANT: slug }
          : { EPICEVENTS_SERVER: served.server.url, EPICEVENTS_TENANT: slug, DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' };
      const sam = userFor(served.db, 'importer@x.example', env);
      expect((await sam.run(['login', '--email', 'importer@x.example', '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` })).code).toBe(0);
      const expectRefused = (result: CliResult) => {
        expect({ code: result.code, stderr: result.stderr.trim().split('\n').pop() }).toEqual({ code: 6, stderr: `error: ${planLimitMessage('PROFESSIONAL', 'clients', 10)}` });
      };
      expectRefused(await sam.run(['client', 'import', '-'], { stdin: csv(1, 5) }));
      expect(await usage(id)).toMatchObject({ counted_clients: 8, clients: 8 });
      // Two lines fit; then, at the limit, the next file is refused before it is read.
      expect((await sam.run(['client', 'import', '-'], { stdin: csv(10, 2) })).code).toBe(0);
      expectRefused(await sam.run(['client', 'import', '-'], { stdin: csv(20, 1) }));
      expect(await usage(id)).toMatchObject({ counted_clients: 10, clients: 10 });
    });

    it.each(['direct', 'server'])('should refuse a file that reaches the limit in a later batch, after the first was inserted, and keep none of it (%s mode)', async (mode) => {
      await served.db.query(`UPDATE plans SET max_clients = 1500 WHERE code = 'PROFESSIONAL'`);
      try {
        const { id, slug } = await makeTenant('PROFESSIONAL');
        await addEmployees(id, 'SALES', ['batches@x.example']);
        const env: Record<string, string> =
          mode === 'direct'
            ? { EPICEVENTS_TENANT: slug }
            : { EPICEVENTS_SERVER: served.server.url, EPICEVENTS_TENANT: slug, DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' };
        const sam = userFor(served.db, 'batches@x.example', env);
        expect((await sam.run(['login', '--email', 'batches@x.example', '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` })).code).toBe(0);
        // 2 000 lines: the first batch of 1 000 is in, the second passes 1 500.
        const result = await sam.run(['client', 'import', '-'], { stdin: csv(1, 2000) });
        expect({ code: result.code, last: result.stderr.trim().split('\n').pop() }).toEqual({ code: 6, last: `error: ${planLimitMessage('PROFESSIONAL', 'clients', 1500)}` });
        expect(await usage(id)).toMatchObject({ counted_clients: 0, clients: 0 });
      } finally {
        await served.db.query(`UPDATE plans SET max_clients = 10 WHERE code = 'PROFESSIONAL'`);
      }
    });
  });
  describe('the migration', () => {
    it("should count each tenant's own active employees and clients when it is applied to a database that holds several", async () => {
      // Last of the file: the schema is reverted and migrated again under the running server.
      const { id } = await makeTenant('ENTERPRISE');
      const [{ id: owner }] = await addEmployees(id, 'SALES', ['counted@x.example', 'counted2@x.example']);
      await addClients(id, owner, 7);
      await inTenant(DEFAULT_TENANT_ID, `INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('Ada', 'Admin', 'admin@x.example', 'MANAGEMENT', $1)`, [FACTORY_PASSWORD_HASH]);
      const before = await served.db.query(`SELECT * FROM tenant_usage ORDER BY tenant_id`);
      const admin = userFor(served.db, 'admin@x.example');
      expect((await admin.run(['login', '--email', 'admin@x.example', '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` })).code).toBe(0);
      // The migrations after TenantLimits (Platform and LastActiveManager read or write its counters): revert them all.
      const reverted: string[] = [];
      while (!reverted.includes('TenantLimits1796100000000')) {
        const revert = await admin.run(['db', 'revert', '--yes', '--json']);
        expect(revert.code).toBe(0);
        reverted.push(revert.json<{ reverted: string }>().reverted);
      }
      expect(reverted).toEqual(['SignedContractByTenant1796400000000', 'LastActiveManager1796300000000', 'Platform1796200000000', 'TenantLimits1796100000000']);
      expect((await admin.run(['db', 'migrate'])).code).toBe(0);
      const after = await served.db.query(`SELECT * FROM tenant_usage ORDER BY tenant_id`);
      expect(after).toEqual(before);
      expect(after.find((row) => Number(row.tenant_id) === id)).toMatchObject({ active_employees: 2, clients: 7 });
    });
  });

});
