import { SIGNUP_LIMITS } from '../../src/server/login-throttle';
import { expectOneLineError } from '../support/assertions';
import { type CliResult, runCli, tempHome } from '../support/cli';
import { FACTORY_PASSWORD_HASH, insertEmployee } from '../support/factories';
import { accessToken, type HttpResponse, httpRequest, servedDatabase, startServer } from '../support/server';
import { startInTerminal, tmuxAvailable } from '../support/terminal';
import { serverUrl } from '../support/test-database';

/**
 * Sign-up and the platform operator through a real `epicevents serve` on PostgreSQL: the CLI as a
 * separate process, the API with raw HTTP, the rows read back with SQL. Server only: the platform
 * is a server's.
 */

const PASSWORD = 'Platform-Password-2026';
const TENANT_KEYS = ['createdAt', 'id', 'name', 'plan', 'slug', 'status', 'trialEndsAt'];
const EMPLOYEE_KEYS = ['email', 'firstName', 'id', 'lastName', 'mustChangePassword', 'role'];
const DAY_MS = 86_400_000;

interface TenantJson {
  id: number;
  slug: string;
  name: string;
  plan: string;
  status: string;
  trialEndsAt: string | null;
  createdAt: string;
  employees?: number;
  clients?: number;
}
interface CreatedJson {
  tenant: TenantJson;
  employee: { id: number; email: string; role: string };
}

(serverUrl() ? describe : describe.skip)('sign-up and the platform operator', () => {
  /** With --allow-signup, behind a "proxy" (--trust-proxy): each HTTP test speaks from an address of its own. */
  const served = servedDatabase({ args: ['--allow-signup', '--trust-proxy'] });
  /** An employee's session and the operator's, on one machine. */
  const home = tempHome();
  const clientEnv = (extra: Record<string, string | undefined> = {}) => ({ EPICEVENTS_HOME: home, DATABASE_URL: undefined, EPICEVENTS_JWT_SECRET: undefined, ...extra });
  const cli = (args: string[], stdin?: string): Promise<CliResult> => runCli(args, { env: clientEnv(), stdin, process: true });
  const platform = (args: string[], stdin?: string) => cli(['platform', ...args], stdin);
  /** Direct mode on the server's database: `platform init`. */
  const direct = (args: string[], stdin?: string) => runCli(args, { env: { ...served.db.env, EPICEVENTS_HOME: tempHome() }, stdin, process: true });

  let address = 0;
  const signupFrom = (body: unknown, from = `10.0.0.${++address}`) => httpRequest(served.server.url, 'POST', '/v1/signup', { body, headers: { 'x-forwarded-for': from } });
  const signupBody = (company: string, extra: Record<string, unknown> = {}) => ({
    company,
    email: `boss-${++address}@example.com`,
    firstName: 'Bo',
    lastName: 'Boss',
    password: PASSWORD,
    ...extra,
  });
  const count = async (sql: string, params: unknown[] = []) => (await served.db.query<{ n: number }>(sql, params))[0].n;
  const tenantCount = () => count('SELECT count(*)::int AS n FROM tenants');
  const problem = (response: HttpResponse) => ({ status: response.status, code: response.json().code });

  describe('signup', () => {
    it('should refuse sign-ups on a server started without --allow-signup (403 naming the flag, exit 4), creating nothing', async () => {
      const closed = await startServer(served.db);
      try {
        const before = await tenantCount();
        const response = await httpRequest(closed.url, 'POST', '/v1/signup', { body: signupBody('Closed Shop') });
        expect(problem(response)).toEqual({ status: 403, code: 'forbidden' });
        expect(`${response.json().detail} ${response.json().hint}`).toMatch(/--allow-signup/);
        // Whatever is sent: the refusal comes before the body is looked at.
        expect(problem(await httpRequest(closed.url, 'POST', '/v1/signup', { body: { nonsense: true } }))).toEqual({ status: 403, code: 'forbidden' });
        const refused = await runCli(['signup', '--server', closed.url, '--company', 'Closed Shop', '--email', 'c@example.com', '--first-name', 'C', '--last-name', 'D', '--password-stdin'], {
          env: clientEnv({ EPICEVENTS_HOME: tempHome() }),
          stdin: `${PASSWORD}\n`,
          process: true,
        });
        expectOneLineError(refused, 4, /does not take sign-ups.*--allow-signup/);
        expect(await tenantCount()).toBe(before);
      } finally {
        await closed.stop();
      }
    });

    it('should create a tenant in TRIAL for 14 days on STARTER with its manager, answer {tenant, employee}, and log the CLI in to it', async () => {
      const result = await cli(['signup', '--server', served.server.url, '--company', "L'Épicerie du Coin", '--email', 'ann@epicerie.example', '--first-name', 'Ann', '--last-name', 'Lee', '--password-stdin', '--json'], `${PASSWORD}\n`);
      expect({ code: result.code, stderr: result.stderr.replace(/warning: .*plain text.*\n/, '') }).toEqual({ code: 0, stderr: '' });
      const { tenant, employee } = result.json<CreatedJson>();
      expect(Object.keys(result.json<object>()).sort()).toEqual(['employee', 'tenant']);
      expect(Object.keys(tenant).sort()).toEqual(TENANT_KEYS);
      expect(Object.keys(employee).sort()).toEqual(EMPLOYEE_KEYS);
      expect(tenant).toMatchObject({ slug: 'lepicerie-du-coin', name: "L'Épicerie du Coin", plan: 'STARTER', status: 'TRIAL' });
      expect(Date.parse(tenant.trialEndsAt as string) - Date.parse(tenant.createdAt)).toBe(14 * DAY_MS);
      expect(employee).toMatchObject({ email: 'ann@epicerie.example', role: 'MANAGEMENT' });
      // Its trial is the database's clock's.
      const [row] = await served.db.query<{ exact: boolean }>(`SELECT trial_ends_at = created_at + interval '14 days' AS exact FROM tenants WHERE id = $1`, [tenant.id]);
      expect(row.exact).toBe(true);

      const whoami = await cli(['whoami', '--json']);
      expect(whoami.json()).toMatchObject({ id: employee.id, tenant: 'lepicerie-du-coin', server: served.server.url, role: 'MANAGEMENT' });
      const employees = await cli(['employee', 'list', '--json']);
      expect(employees.json<{ id: number }[]>().map((e) => e.id)).toEqual([employee.id]);
    });

    (tmuxAvailable ? it : it.skip)('should ask on a terminal for what is missing, as init does, checking each answer as it is typed', async () => {
      const terminalHome = tempHome();
      const session = await startInTerminal(['signup', '--server', served.server.url], { EPICEVENTS_HOME: terminalHome });
      try {
        await session.waitFor(/Company's name/);
        session.send('Terminal Traders', 'Enter');
        await session.waitFor(/Email/);
        session.send('not-an-email', 'Enter');
        await session.waitFor(/email must be a valid email/);
        session.send('C-u', 'tess@traders.example', 'Enter');
        await session.waitFor(/First name/);
        session.send('Tess', 'Enter');
        await session.waitFor(/Last name/);
        session.send('Trader', 'Enter');
        await session.waitFor(/password \(at least 12 characters\)/);
        session.send(PASSWORD, 'Enter');
        await session.waitFor(/Repeat the password/);
        session.send(PASSWORD, 'Enter');
        expect(await session.exitCode()).toBe(0);
        // The pane wraps the line at 120 columns.
        const screen = (await session.waitFor(/signed up Terminal Traders \(terminal-traders\), TRIAL until/)).replace(/\n/g, '');
        expect(screen).toMatch(/epicevents login --server \S+ --tenant terminal-traders/);
      } finally {
        session.close();
      }
      const whoami = await runCli(['whoami', '--json'], { env: clientEnv({ EPICEVENTS_HOME: terminalHome }), process: true });
      expect(whoami.json()).toMatchObject({ email: 'tess@traders.example', tenant: 'terminal-traders' });
    });

    it('should take another plan with --plan', async () => {
      const response = await signupFrom(signupBody('Pro Events', { plan: 'PROFESSIONAL' }));
      expect(response.status).toBe(201);
      expect(response.json<CreatedJson>().tenant).toMatchObject({ slug: 'pro-events', plan: 'PROFESSIONAL', status: 'TRIAL' });
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['no company', { company: undefined }, /company/],
      ['a blank company', { company: '   ' }, /company cannot be empty/],
      ['a bad email', { email: 'not-an-email' }, /email must be a valid email/],
      ['a weak password', { password: 'short' }, /at least 12 characters/],
      ['an unknown plan', { plan: 'GOLD' }, /plan/],
    ])('should refuse %s with 400 and create nothing (no tenant row left)', async (_name, change, detail) => {
      const before = await tenantCount();
      const body = { ...signupBody('Bad Input Ltd'), ...change };
      const response = await signupFrom(JSON.parse(JSON.stringify(body)));
      expect(problem(response)).toEqual({ status: 400, code: 'validation' });
      expect(response.json().detail).toMatch(detail);
      expect(await tenantCount()).toBe(before);
      expect(await count(`SELECT count(*)::int AS n FROM tenants WHERE name = 'Bad Input Ltd'`)).toBe(0);
    });

    it('should refuse bad input on the command line with exit 2 before sending anything', async () => {
      const before = await tenantCount();
      const base = ['signup', '--server', served.server.url, '--company', 'Bad Flags', '--email', 'x@example.com', '--first-name', 'X', '--last-name', 'Y', '--password-stdin'];
      expectOneLineError(await cli(base.filter((arg) => arg !== '--company' && arg !== 'Bad Flags'), `${PASSWORD}\n`), 2, /missing --company/);
      expectOneLineError(await cli(base.map((arg) => (arg === 'x@example.com' ? 'nope' : arg)), `${PASSWORD}\n`), 2, /--email must be a valid email/);
      expectOneLineError(await cli([...base, '--plan', 'GOLD'], `${PASSWORD}\n`), 2, /--plan must be one of STARTER, PROFESSIONAL, ENTERPRISE/);
      expectOneLineError(await cli(base, 'weak\n'), 2, /at least 12 characters/);
      expect(await tenantCount()).toBe(before);
    });

    it('should give two parallel sign-ups of the same company two slugs, both usable', async () => {
      const [one, two] = await Promise.all([signupFrom(signupBody('Twin Events SAS')), signupFrom(signupBody('Twin Events SAS'))]);
      expect([one.status, two.status]).toEqual([201, 201]);
      const created = [one.json<CreatedJson>(), two.json<CreatedJson>()];
      expect(created.map((c) => c.tenant.slug).sort()).toEqual(['twin-events-sas', 'twin-events-sas-2']);
      for (const { tenant, employee } of created) {
        const login = await httpRequest(served.server.url, 'POST', '/v1/auth/login', { body: { email: employee.email, password: PASSWORD, tenant: tenant.slug } });
        expect(login.status).toBe(200);
        const whoami = await httpRequest(served.server.url, 'GET', '/v1/auth/whoami', { token: login.json<{ accessToken: string }>().accessToken });
        expect(whoami.json()).toMatchObject({ id: employee.id, tenant: tenant.slug });
      }
    });

    it('should limit sign-ups per client address: 429 with Retry-After once the limit is reached', async () => {
      const from = '10.99.99.99';
      for (let i = 0; i < SIGNUP_LIMITS.perAddress; i += 1) {
        // Bad bodies are cheap, and count as attempts all the same, whether the schema or the service refuses them.
        const body = i % 2 === 0 ? { ...signupBody('Spam'), email: `spam-${i}@x` } : { email: `spam-${i}@example.com` };
        expect((await signupFrom(body, from)).status).toBe(400);
      }
      const limited = await signupFrom(signupBody('Spam Corp'), from);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another address is not held back.
      expect((await signupFrom(signupBody('Not Spam Corp'))).status).toBe(201);
    });
  });

  describe('platform operator', () => {
    let platformToken = '';
    let employeeToken = '';

    it('should create the first operator in direct mode, then refuse a second init (exit 6) and bad input (exit 2)', async () => {
      expectOneLineError(await direct(['platform', 'init', '--email', 'ops@example.com', '--password-stdin'], 'short\n'), 2, /at least 12 characters/);
      expectOneLineError(await direct(['platform', 'init', '--email', 'not-an-email', '--password-stdin'], `${PASSWORD}\n`), 2, /--email must be a valid email/);
      expect(await count('SELECT count(*)::int AS n FROM platform_operators')).toBe(0);
      const init = await direct(['platform', 'init', '--email', 'ops@example.com', '--name', 'Operations', '--password-stdin', '--json'], `${PASSWORD}\n`);
      expect(init.code).toBe(0);
      expect(init.json()).toMatchObject({ email: 'ops@example.com', name: 'Operations' });
      expectOneLineError(await direct(['platform', 'init', '--email', 'other@example.com', '--password-stdin'], `${PASSWORD}\n`), 6, /a platform operator exists already/);
      expect(await count('SELECT count(*)::int AS n FROM platform_operators')).toBe(1);
      const [hash] = await served.db.query<{ password_hash: string }>('SELECT password_hash FROM platform_operators');
      expect(hash.password_hash).toMatch(/^\$argon2id\$/);
    });

    it('should log the operator in (a session apart from the employee\'s), and refuse a wrong password with exit 3', async () => {
      expectOneLineError(await platform(['login', '--server', served.server.url, '--email', 'ops@example.com', '--password-stdin'], 'wrong-password-2026\n'), 3, /invalid email or password/);
      const login = await platform(['login', '--server', served.server.url, '--email', 'OPS@example.com', '--password-stdin', '--json'], `${PASSWORD}\n`);
      expect(login.code).toBe(0);
      expect(login.json()).toMatchObject({ email: 'ops@example.com' });
      // The employee logged in by `signup` above is still logged in, in its tenant.
      expect((await cli(['whoami', '--json'])).json()).toMatchObject({ tenant: 'lepicerie-du-coin' });
      platformToken = (await httpRequest(served.server.url, 'POST', '/v1/platform/auth/login', { body: { email: 'ops@example.com', password: PASSWORD } })).json<{ accessToken: string }>().accessToken;
      await insertEmployee(served.db, { role: 'MANAGEMENT', email: 'ada@default.example' });
      employeeToken = await accessToken(served.server.url, 'ada@default.example');
    });

    it("should refuse a platform token on the employees' routes and an employee's token on the platform's (401)", async () => {
      for (const route of ['/v1/clients', '/v1/auth/whoami', '/v1/employees']) {
        expect(problem(await httpRequest(served.server.url, 'GET', route, { token: platformToken }))).toEqual({ status: 401, code: 'unauthenticated' });
      }
      for (const route of ['/v1/platform/tenants', '/v1/platform/stats', '/v1/platform/tenants/default']) {
        expect(problem(await httpRequest(served.server.url, 'GET', route, { token: employeeToken }))).toEqual({ status: 401, code: 'unauthenticated' });
      }
      expect(problem(await httpRequest(served.server.url, 'POST', '/v1/platform/tenants/default/suspend', { token: employeeToken }))).toEqual({ status: 401, code: 'unauthenticated' });
      expect((await httpRequest(served.server.url, 'GET', '/v1/platform/tenants', { token: platformToken })).status).toBe(200);
    });

    it('should list every tenant with its counts and show one by slug or id (exit 5 for none)', async () => {
      const list = await platform(['tenant', 'list', '--json']);
      const tenants = list.json<TenantJson[]>();
      expect(tenants.map((t) => t.slug)).toEqual(expect.arrayContaining(['default', 'lepicerie-du-coin', 'twin-events-sas', 'twin-events-sas-2']));
      for (const tenant of tenants) expect(Object.keys(tenant).sort()).toEqual([...TENANT_KEYS, 'clients', 'employees'].sort());
      expect(tenants.find((t) => t.slug === 'lepicerie-du-coin')).toMatchObject({ employees: 1, clients: 0 });
      const bySlug = (await platform(['tenant', 'show', 'lepicerie-du-coin', '--json'])).json<TenantJson>();
      const byId = (await platform(['tenant', 'show', String(bySlug.id), '--json'])).json<TenantJson>();
      expect(byId).toEqual(bySlug);
      expectOneLineError(await platform(['tenant', 'show', 'no-such-company']), 5, /tenant no-such-company not found/);
      expectOneLineError(await platform(['tenant', 'show', 'Not A Slug!']), 2, /slug or id/);
      expectOneLineError(await platform(['tenant', 'show']), 2, /show takes one tenant/);
    });

    it('should create an ACTIVE tenant with its manager, and refuse bad input with exit 2', async () => {
      const before = await tenantCount();
      const flags = ['--plan', 'ENTERPRISE', '--email', 'kim@globex.example', '--first-name', 'Kim', '--last-name', 'Ng', '--password-stdin', '--json'];
      expectOneLineError(await platform(['tenant', 'create', '--name', 'Globex', ...flags.filter((f) => f !== '--json').map((f) => (f === 'ENTERPRISE' ? 'GOLD' : f))], `${PASSWORD}\n`), 2, /--plan must be one of/);
      expectOneLineError(await platform(['tenant', 'create', ...flags.filter((f) => f !== '--json')], `${PASSWORD}\n`), 2, /missing --name/);
      expectOneLineError(await platform(['tenant', 'create', '--name', 'Globex', ...flags.filter((f) => f !== '--json')], 'weak\n'), 2, /at least 12 characters/);
      expect(await tenantCount()).toBe(before);
      const created = await platform(['tenant', 'create', '--name', 'Globex', ...flags], `${PASSWORD}\n`);
      expect(created.code).toBe(0);
      const { tenant, employee } = created.json<CreatedJson>();
      expect(tenant).toMatchObject({ slug: 'globex', plan: 'ENTERPRISE', status: 'ACTIVE', trialEndsAt: null });
      expect(employee).toMatchObject({ email: 'kim@globex.example', role: 'MANAGEMENT' });
      const login = await httpRequest(served.server.url, 'POST', '/v1/auth/login', { body: { email: 'kim@globex.example', password: PASSWORD, tenant: 'globex' } });
      expect(login.status).toBe(200);
    });

    it('should move tenants through the lifecycle and refuse the transitions it does not allow (exit 6)', async () => {
      const json = async (args: string[]) => {
        const result = await platform([...args, '--json']);
        expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
        return result.json<TenantJson>();
      };
      expect(await json(['tenant', 'suspend', 'globex'])).toMatchObject({ status: 'SUSPENDED' });
      expectOneLineError(await platform(['tenant', 'suspend', 'globex']), 6, /the tenant is SUSPENDED already/);
      expect(await json(['tenant', 'resume', 'globex'])).toMatchObject({ status: 'ACTIVE' });
      expectOneLineError(await platform(['tenant', 'suspend', 'twin-events-sas-2']), 6, /a tenant cannot go from TRIAL to SUSPENDED/);
      expect(await json(['tenant', 'cancel', 'twin-events-sas-2'])).toMatchObject({ status: 'CANCELLED' });
      expectOneLineError(await platform(['tenant', 'resume', 'twin-events-sas-2']), 6, /a tenant cannot go from CANCELLED to ACTIVE/);
      expectOneLineError(await platform(['tenant', 'plan', 'twin-events-sas-2', 'ENTERPRISE']), 6, /CANCELLED: its plan cannot change/);
      expectOneLineError(await platform(['tenant', 'cancel', 'no-such-company']), 5, /not found/);
      const [{ status, suspended, cancelled }] = await served.db.query<{ status: string; suspended: boolean; cancelled: boolean }>(
        `SELECT status, suspended_at IS NOT NULL AS suspended, cancelled_at IS NOT NULL AS cancelled FROM tenants WHERE slug = 'twin-events-sas-2'`,
      );
      expect({ status, suspended, cancelled }).toEqual({ status: 'CANCELLED', suspended: false, cancelled: true });
    });

    it('should change a plan (ending a trial) and extend a trial by days, refusing both where they do not apply', async () => {
      const trial = (await platform(['tenant', 'show', 'twin-events-sas', '--json'])).json<TenantJson>();
      const extended = (await platform(['tenant', 'extend-trial', 'twin-events-sas', '--days', '7', '--json'])).json<TenantJson>();
      expect(Date.parse(extended.trialEndsAt as string) - Date.parse(trial.trialEndsAt as string)).toBe(7 * DAY_MS);
      expectOneLineError(await platform(['tenant', 'extend-trial', 'twin-events-sas', '--days', '0']), 2, /--days must be at least 1/);
      expectOneLineError(await platform(['tenant', 'extend-trial', 'twin-events-sas']), 2, /missing --days/);
      expectOneLineError(await platform(['tenant', 'plan', 'twin-events-sas', 'GOLD']), 2, /must be one of/);
      const planned = (await platform(['tenant', 'plan', 'twin-events-sas', 'PROFESSIONAL', '--json'])).json<TenantJson>();
      expect(planned).toMatchObject({ plan: 'PROFESSIONAL', status: 'ACTIVE' });
      expectOneLineError(await platform(['tenant', 'extend-trial', 'twin-events-sas', '--days', '7']), 6, /only a tenant in TRIAL has a trial to extend/);
    });

    it('should write one platform audit row per action, in the database clock, and keep them append-only', async () => {
      const rows = await served.db.query<{ action: string; n: number }>(`SELECT action, count(*)::int AS n FROM platform_audit_log GROUP BY action ORDER BY action`);
      expect(Object.fromEntries(rows.map((r) => [r.action, r.n]))).toEqual({
        'operator.init': 1,
        'session.login': 2,
        'tenant.cancel': 1,
        'tenant.create': 1,
        'tenant.extend-trial': 1,
        'tenant.plan': 1,
        'tenant.resume': 1,
        'tenant.suspend': 1,
      });
      const [suspend] = await served.db.query<{ slug: string; details: object }>(
        `SELECT t.slug, a.details FROM platform_audit_log a JOIN tenants t ON t.id = a.target_tenant_id WHERE a.action = 'tenant.suspend'`,
      );
      expect(suspend).toEqual({ slug: 'globex', details: { from: 'ACTIVE', to: 'SUSPENDED' } });
      await expect(served.db.query(`UPDATE platform_audit_log SET action = 'x.y'`)).rejects.toThrow(/append-only/);
      await expect(served.db.query(`DELETE FROM platform_audit_log`)).rejects.toThrow(/append-only/);
    });

    it('should count tenants by status and plan, and employees and clients per tenant', async () => {
      const globex = (await platform(['tenant', 'show', 'globex', '--json'])).json<TenantJson>();
      await served.db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(globex.id)]);
      try {
        const [{ id: sales }] = await served.db.query<{ id: number }>(
          `INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('Sam', 'Sales', 'sam@globex.example', 'SALES', $1) RETURNING id`,
          [FACTORY_PASSWORD_HASH],
        );
        for (const n of [1, 2, 3]) {
          await served.db.query(`INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('C', $1, '+33612345678', 'Co', $2)`, [`c${n}@globex.example`, sales]);
        }
      } finally {
        await served.db.query(`SELECT set_config('app.tenant_id', '1', false)`);
      }
      const stats = (await platform(['stats', '--json'])).json<{ tenants: number; byStatus: Record<string, number>; byPlan: Record<string, number>; perTenant: { slug: string; employees: number; clients: number }[] }>();
      const truth = await served.db.query<{ status: string; plan: string }>('SELECT status, plan FROM tenants');
      expect(stats.tenants).toBe(truth.length);
      for (const status of ['TRIAL', 'ACTIVE', 'SUSPENDED', 'CANCELLED']) expect(stats.byStatus[status]).toBe(truth.filter((t) => t.status === status).length);
      for (const plan of ['STARTER', 'PROFESSIONAL', 'ENTERPRISE']) expect(stats.byPlan[plan]).toBe(truth.filter((t) => t.plan === plan).length);
      expect(stats.perTenant.find((t) => t.slug === 'globex')).toEqual({ id: globex.id, slug: 'globex', employees: 2, clients: 3 });
      expect(stats.perTenant.find((t) => t.slug === 'default')).toMatchObject({ employees: 1, clients: 0 });
      const human = await platform(['stats']);
      expect(human.stdout).toMatch(/globex\s*[|│]\s*2\s*[|│]\s*3/);
      // The request log names the operator a platform request acted for (no employee).
      const statsLine = (line: Record<string, unknown>) => line.msg === 'request' && line.route === '/v1/platform/stats';
      const logged = (await served.server.waitForLogLines(statsLine, 1)).filter(statsLine).at(-1);
      const [{ id: operatorId }] = await served.db.query<{ id: number }>('SELECT id::int AS id FROM platform_operators');
      expect(logged).toMatchObject({ status: 200, actorId: null, operatorId });
    });

    it("should give the operator no way to a tenant's client: no route, and functions that answer numbers only", async () => {
      const [{ id: client }] = await served.db.query<{ id: number }>(`SELECT id FROM clients ORDER BY id LIMIT 1`);
      for (const route of ['/v1/clients', `/v1/clients/${client}`]) expect((await httpRequest(served.server.url, 'GET', route, { token: platformToken })).status).toBe(401);
      expect((await httpRequest(served.server.url, 'GET', `/v1/platform/tenants/globex/clients`, { token: platformToken })).status).toBe(404);
      const openapi = (await httpRequest(served.server.url, 'GET', '/v1/openapi.json')).json<{ paths: Record<string, unknown> }>();
      expect(Object.keys(openapi.paths).filter((path) => path.startsWith('/v1/platform/')).sort()).toEqual([
        '/v1/platform/auth/login',
        '/v1/platform/auth/logout',
        '/v1/platform/stats',
        '/v1/platform/tenants',
        '/v1/platform/tenants/{tenant}',
        '/v1/platform/tenants/{tenant}/cancel',
        '/v1/platform/tenants/{tenant}/extend-trial',
        '/v1/platform/tenants/{tenant}/plan',
        '/v1/platform/tenants/{tenant}/resume',
        '/v1/platform/tenants/{tenant}/suspend',
      ]);
      // Every function the server's role may run that reads as its owner answers tenants or numbers:
      // no column of a client, contract, event or employee.
      const results = await served.db.query<{ fn: string; result: string }>(`
        SELECT p.oid::regprocedure::text AS fn, pg_get_function_result(p.oid) AS result FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef AND has_function_privilege('epicevents_tenant_user', p.oid, 'EXECUTE')
           AND p.proname IN ('create_tenant', 'platform_tenants', 'set_tenant_status', 'set_tenant_plan', 'extend_tenant_trial', 'tenant_counts')
         ORDER BY 1`);
      expect(results.find((r) => r.fn === 'tenant_counts()')?.result).toBe('TABLE(tenant_id bigint, employees bigint, clients bigint)');
      for (const { result } of results.filter((r) => r.fn !== 'tenant_counts()')) {
        expect(result).toBe('TABLE(id bigint, slug text, name character varying, plan character varying, status character varying, trial_ends_at timestamp with time zone, created_at timestamp with time zone, suspended_at timestamp with time zone, cancelled_at timestamp with time zone)');
      }
      // Their owner reads no column of employees that names or reaches a person: the counts come from
      // the usage counters; the last-manager trigger (migration LastActiveManager) reads a tenant's
      // roles and whether each is active, and nothing else.
      const rights = await served.db.query<{ column_name: string; granted: boolean }>(
        `SELECT column_name, has_column_privilege('epicevents_tenant_directory', 'employees', column_name, 'SELECT') AS granted
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'employees' ORDER BY column_name`,
      );
      expect(rights.filter((r) => r.granted).map((r) => r.column_name)).toEqual(['is_active', 'role', 'tenant_id']);
    });

    it('should end the platform login on the server at logout: its token is refused, and the commands need a login again (exit 3)', async () => {
      const tokenOfCli = platformToken;
      expect((await httpRequest(served.server.url, 'POST', '/v1/platform/auth/logout', { token: tokenOfCli })).status).toBe(200);
      expect(problem(await httpRequest(served.server.url, 'GET', '/v1/platform/tenants', { token: tokenOfCli }))).toEqual({ status: 401, code: 'unauthenticated' });
      const logout = await platform(['logout']);
      expect(logout.stdout).toMatch(/logged out of the platform/);
      expectOneLineError(await platform(['tenant', 'list']), 3, /not logged in as a platform operator/);
      expectOneLineError(await platform(['stats']), 3, /not logged in as a platform operator/);
      expect((await platform(['logout'])).stdout).toMatch(/not logged in as a platform operator; nothing to do/);
      expectOneLineError(await platform(['login', '--email', 'ops@example.com', '--password-stdin'], `${PASSWORD}\n`), 2, /missing --server/);
      expectOneLineError(await platform(['login', '--server', served.server.url, '--password-stdin'], `${PASSWORD}\n`), 2, /missing --email/);
      // The employee's session on the same machine is untouched.
      expect((await cli(['whoami', '--json'])).json()).toMatchObject({ tenant: 'lepicerie-du-coin' });
    });
  });
});
