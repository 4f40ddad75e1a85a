import fs from 'node:fs';
import path from 'node:path';
import { FACTORY_PASSWORD, FACTORY_PASSWORD_HASH, insertEmployee } from '../support/factories';
import { runCli, tempHome } from '../support/cli';
import { accessToken, type HttpResponse, httpRequest, type RunningServer } from '../support/server';
import { isolationDeployments } from '../support/pooled-server';
import { DEFAULT_TENANT_ID, serverUrl, type TestDatabase } from '../support/test-database';

/**
 * Two companies on one real `epicevents serve`: the tenant `default` (A) and `acme-events` (B).
 * What B's employees may not see or touch of A, through the API and through the CLI in server
 * mode. Server only: the rows of B are written behind the server's back.
 */

const B_SLUG = 'acme-events';

interface SessionBody {
  accessToken: string;
  refreshToken: string;
  employee: { id: number; email: string };
}

describe.each(isolationDeployments('epicevents_tenants'))('two tenants on one server, %s', (_name, deploy, available) => {
  if (!available) {
    it.skip(serverUrl() ? 'needs psql and pgbouncer' : 'needs a PostgreSQL server (TEST_DATABASE_URL)', () => undefined);
    return;
  }
  let db: TestDatabase;
  let server: RunningServer;
  const a = { manager: 0, client: 0, contract: 0 };
  const b = { tenant: 0, manager: 0, client: 0 };

  const request = (method: string, route: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) => httpRequest(server.url, method, route, options);
  const login = (email: string, tenant?: string, password = FACTORY_PASSWORD) => request('POST', '/v1/auth/login', { body: { email, password, ...(tenant ? { tenant } : {}) } });

  const tokenOf = (email: string, tenant?: string) => accessToken(server.url, email, { tenant });

  /** Rows of tenant B, written by the superuser connection with B's id as the session's tenant. */
  async function inB<T>(sql: string, params: unknown[]): Promise<T> {
    await db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(b.tenant)]);
    try {
      return (await db.query<T>(sql, params))[0];
    } finally {
      await db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(DEFAULT_TENANT_ID)]);
    }
  }

  function expectNotFound(response: HttpResponse): void {
    expect({ status: response.status, code: response.json().code }).toEqual({ status: 404, code: 'not_found' });
  }

  beforeAll(async () => {
    ({ db, server } = await deploy());
    a.manager = (await insertEmployee(db, { role: 'MANAGEMENT', email: 'ada@a.example' })).id;
    [{ id: a.client }] = await db.query<{ id: number }>(
      `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('Kevin Casey', 'kevin@a.example', '+33612345678', 'A Startup', $1) RETURNING id`,
      [a.manager],
    );
    [{ id: a.contract }] = await db.query<{ id: number }>(`INSERT INTO contracts (client_id, sales_contact_id, total_amount, amount_due) VALUES ($1, $2, 1000, 1000) RETURNING id`, [
      a.client,
      a.manager,
    ]);
    [{ id: b.tenant }] = await db.query<{ id: number }>(`INSERT INTO tenants (slug, name, plan, status) VALUES ($1, 'Acme Events', 'STARTER', 'ACTIVE') RETURNING id::int AS id`, [B_SLUG]);
    // The same email as A's manager: one person may work for two companies.
    ({ id: b.manager } = await inB<{ id: number }>(
      `INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('Bea', 'Acme', 'ada@a.example', 'MANAGEMENT', $1) RETURNING id`,
      [FACTORY_PASSWORD_HASH],
    ));
    ({ id: b.client } = await inB<{ id: number }>(
      `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('Bob Client', 'kevin@a.example', '+33612345679', 'B Corp', $1) RETURNING id`,
      [b.manager],
    ));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.close();
  });

  it('should log one email in to each tenant as a different employee, `default` when none is named', async () => {
    const inA = await login('ada@a.example');
    const inB = await login('ada@a.example', B_SLUG);
    expect([inA.json<SessionBody>().employee.id, inB.json<SessionBody>().employee.id]).toEqual([a.manager, b.manager]);
    const whoami = await request('GET', '/v1/auth/whoami', { token: inB.json<SessionBody>().accessToken });
    expect(whoami.json()).toMatchObject({ id: b.manager, tenant: B_SLUG });
  });

  it('should show tenant B none of A\'s records, and answer "not found" for each of them', async () => {
    const token = await tokenOf('ada@a.example', B_SLUG);
    const clients = await request('GET', '/v1/clients', { token });
    expect(clients.json<{ items: { id: number }[] }>().items.map((c) => c.id)).toEqual([b.client]);
    expect((await request('GET', '/v1/contracts', { token })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await request('GET', '/v1/employees', { token })).json<{ items: { id: number }[] }>().items.map((e) => e.id)).toEqual([b.manager]);

    // A's client answers exactly as an id nobody has: its existence does not leak.
    const foreign = await request('GET', `/v1/clients/${a.client}`, { token });
    const missing = await request('GET', '/v1/clients/999999', { token });
    expectNotFound(foreign);
    expect(foreign.json().detail).toBe((missing.json().detail as string).replace('999999', String(a.client)));

    expectNotFound(await request('DELETE', `/v1/clients/${a.client}`, { token }));
    // Whatever the answer to a change (the matrix may refuse it first), it is the one an id nobody has gets.
    const change = { companyName: 'Taken Over' };
    const [changeForeign, changeMissing] = [await request('PATCH', `/v1/clients/${a.client}`, { token, body: change }), await request('PATCH', '/v1/clients/999999', { token, body: change })];
    expect({ status: changeForeign.status, code: changeForeign.json().code }).toEqual({ status: changeMissing.status, code: changeMissing.json().code });
    expectNotFound(await request('DELETE', `/v1/contracts/${a.contract}`, { token }));
    expectNotFound(await request('POST', `/v1/contracts/${a.contract}/sign`, { token }));
    expectNotFound(await request('POST', '/v1/contracts', { token, body: { clientId: a.client, totalAmount: '10.00' } }));
    expectNotFound(await request('GET', `/v1/employees/${a.manager}`, { token }));

    const [untouched] = await db.query<{ company_name: string; contracts: number }>(
      'SELECT company_name, (SELECT count(*)::int FROM contracts WHERE client_id = $1) AS contracts FROM clients WHERE id = $1',
      [a.client],
    );
    expect(untouched).toEqual({ company_name: 'A Startup', contracts: 1 });
  });

  it('should refuse a token whose tenant was changed: the signature no longer matches', async () => {
    const token = await tokenOf('ada@a.example', B_SLUG);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    expect(claims.tid).toBe(b.tenant);
    const swapped = [header, Buffer.from(JSON.stringify({ ...claims, tid: DEFAULT_TENANT_ID })).toString('base64url'), signature].join('.');
    const response = await request('GET', `/v1/clients/${a.client}`, { token: swapped });
    expect({ status: response.status, code: response.json().code }).toEqual({ status: 401, code: 'unauthenticated' });
  });

  it('should serve a request whose X-Tenant-ID names the token\'s tenant, or that sends none', async () => {
    const token = await tokenOf('ada@a.example', B_SLUG);
    for (const headers of [{ 'x-tenant-id': B_SLUG }, {}] as Record<string, string>[]) {
      const clients = await request('GET', '/v1/clients', { token, headers });
      expect({ status: clients.status, ids: clients.json<{ items: { id: number }[] }>().items.map((c) => c.id) }).toEqual({ status: 200, ids: [b.client] });
    }
  });

  it('should refuse (403) a token of A whose X-Tenant-ID names B, and never work in the header\'s tenant', async () => {
    const tokenOfA = await tokenOf('ada@a.example');
    const mismatch = await request('GET', `/v1/clients/${b.client}`, { token: tokenOfA, headers: { 'x-tenant-id': B_SLUG } });
    expect({ status: mismatch.status, code: mismatch.json().code }).toEqual({ status: 403, code: 'forbidden' });
    expect(mismatch.json().detail).toBe(`this token belongs to another tenant than X-Tenant-ID names ("${B_SLUG}"): log in to that tenant`);
    // A slug no tenant has is refused alike: the answer does not tell which companies exist.
    const unknown = await request('GET', '/v1/clients', { token: tokenOfA, headers: { 'x-tenant-id': 'no-such-company' } });
    expect({ status: unknown.status, detail: unknown.json().detail }).toEqual({ status: 403, detail: mismatch.json<{ detail: string }>().detail.replace(B_SLUG, 'no-such-company') });
    // Refused before anything is read or written, whatever the route.
    const write = await request('PATCH', `/v1/clients/${b.client}`, { token: tokenOfA, headers: { 'x-tenant-id': B_SLUG }, body: { companyName: 'Taken Over' } });
    expect(write.status).toBe(403);
    // Without the header the same token works in A, where B's client does not exist.
    expectNotFound(await request('GET', `/v1/clients/${b.client}`, { token: tokenOfA }));
    const [untouched] = await db.query<{ company_name: string }>('SELECT company_name FROM clients WHERE id = $1', [b.client]);
    expect(untouched).toEqual({ company_name: 'B Corp' });
  });

  it.each([
    ['upper case', 'Acme-Events'],
    ['an underscore', 'acme_events'],
    ['a space', 'acme events'],
    ['41 characters', 'a'.repeat(41)],
    ['nothing', ''],
    ['two values', `${B_SLUG}, default`],
  ])('should refuse (400) an X-Tenant-ID that is not a slug: %s', async (_name, value) => {
    const token = await tokenOf('ada@a.example', B_SLUG);
    const response = await request('GET', '/v1/clients', { token, headers: { 'x-tenant-id': value } });
    expect({ status: response.status, code: response.json().code }).toEqual({ status: 400, code: 'usage' });
    expect(response.json().detail).toMatch(/^X-Tenant-ID must be a tenant's slug: .* \(got ".*"\)$/);
  });

  it('should send X-Tenant-ID from the CLI: a stored session of another tenant is refused (exit 4), not used', async () => {
    const home = tempHome();
    const env = { EPICEVENTS_HOME: home, DATABASE_URL: undefined, EPICEVENTS_JWT_SECRET: undefined };
    const loggedIn = await runCli(['login', '--server', server.url, '--tenant', B_SLUG, '--email', 'ada@a.example', '--password-stdin'], { env, stdin: `${FACTORY_PASSWORD}\n`, process: true });
    expect(loggedIn.code).toBe(0);
    // B's session filed as the session of `default` on this server (a damaged or hand-edited store).
    const file = path.join(home, 'credentials.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { servers: Record<string, unknown> };
    const origin = new URL(server.url).origin;
    fs.writeFileSync(file, JSON.stringify({ servers: { [origin]: stored.servers[`${origin} tenant=${B_SLUG}`] } }));
    const inDefault = await runCli(['client', 'show', String(b.client)], { env: { ...env, EPICEVENTS_TENANT: 'default' }, process: true });
    expect({ code: inDefault.code, stdout: inDefault.stdout }).toEqual({ code: 4, stdout: '' });
    expect(inDefault.stderr).toMatch(/this token belongs to another tenant than X-Tenant-ID names \("default"\): log in to that tenant/);
  });

  it('should refuse a login to the wrong tenant, or to none that exists, exactly as a wrong password', async () => {
    const auditOfA = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [DEFAULT_TENANT_ID]))[0].n;
    const beforeInA = await auditOfA();
    const wrongPassword = await login('ada@a.example', B_SLUG, 'not-the-password-123');
    await insertEmployee(db, { email: 'only-in-a@a.example' });
    for (const response of [wrongPassword, await login('only-in-a@a.example', B_SLUG), await login('ada@a.example', 'no-such-company')]) {
      expect({ status: response.status, code: response.json().code, detail: response.json().detail }).toEqual({
        status: 401,
        code: 'unauthenticated',
        detail: wrongPassword.json().detail,
      });
    }
    // The wrong password is audited in B, about B's account, by nobody; the email unknown in B and the unknown tenant leave nothing.
    const inB = await db.query(`SELECT entity_id, actor_id, action, changes -> 'reason' ->> 'after' AS reason FROM audit_log WHERE tenant_id = $1 AND action IN ('session.login-failed', 'session.lockout')`, [b.tenant]);
    expect(inB).toEqual([{ entity_id: b.manager, actor_id: null, action: 'session.login-failed', reason: 'wrong password' }]);
    expect(await auditOfA()).toBe(beforeInA);
  });

  it("should deactivate one of B's two managers through the API, the last-manager trigger running as the tenant role", async () => {
    const { id: second } = await inB<{ id: number }>(
      `INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('Second', 'Acme', 'second@b.example', 'MANAGEMENT', $1) RETURNING id`,
      [FACTORY_PASSWORD_HASH],
    );
    const token = await tokenOf('ada@a.example', B_SLUG);
    const deactivated = await request('POST', `/v1/employees/${second}/deactivate`, { token });
    expect({ status: deactivated.status, isActive: deactivated.json<{ employee: { isActive: boolean } }>().employee.isActive }).toEqual({ status: 200, isActive: false });
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM employees WHERE tenant_id = $1 AND role = 'MANAGEMENT' AND is_active`, [b.tenant]);
    expect(n).toBe(1);
  });

  it('should keep the CLI in tenant B after `login --tenant`, where A\'s records are not found (exit 5)', async () => {
    const env = { EPICEVENTS_HOME: tempHome(), DATABASE_URL: undefined, EPICEVENTS_JWT_SECRET: undefined };
    const loggedIn = await runCli(['login', '--server', server.url, '--tenant', B_SLUG, '--email', 'ada@a.example', '--password-stdin'], { env, stdin: `${FACTORY_PASSWORD}\n`, process: true });
    expect({ code: loggedIn.code, stderr: loggedIn.stderr }).toMatchObject({ code: 0 });
    const whoami = await runCli(['whoami', '--json'], { env, process: true });
    expect(whoami.json()).toMatchObject({ id: b.manager, tenant: B_SLUG, server: server.url });
    const show = await runCli(['client', 'show', String(a.client)], { env, process: true });
    expect(show.code).toBe(5);
    const shown = await runCli(['client', 'show', String(b.client), '--json'], { env, process: true });
    expect(shown.json()).toMatchObject({ id: b.client, companyName: 'B Corp' });
    // The session of tenant B is kept apart from one in `default` on the same server.
    const inDefault = await runCli(['login', '--server', server.url, '--email', 'ada@a.example', '--password-stdin'], { env, stdin: `${FACTORY_PASSWORD}\n`, process: true });
    expect(inDefault.code).toBe(0);
    expect((await runCli(['whoami', '--json'], { env, process: true })).json()).toMatchObject({ id: a.manager, tenant: 'default' });
    expect((await runCli(['whoami', '--json'], { env: { ...env, EPICEVENTS_TENANT: B_SLUG }, process: true })).json()).toMatchObject({ id: b.manager, tenant: B_SLUG });
  });
});
