import { type CliResult } from '../support/cli';
import { FACTORY_PASSWORD, FACTORY_PASSWORD_HASH } from '../support/factories';
import { accessToken, httpRequest, servedDatabase } from '../support/server';
import { NOWHERE_DATABASE_URL, serverUrl } from '../support/test-database';
import { type TestUser, userFor } from '../support/users';

/**
 * Plans and lifecycle, as a company's people meet them: the modules a plan lacks, a trial that
 * ended, a suspension, a cancellation, and `tenant show`, which says why. Through the real binary,
 * in direct mode (DATABASE_URL, EPICEVENTS_TENANT) and in server mode (a real `epicevents serve`,
 * which refuses), and through the API. Server only: the tenants are made by SQL, as an
 * administrator would, and their states set behind the server's back.
 */

type Mode = 'direct' | 'server';
const MODES: Mode[] = ['direct', 'server'];

const REFUSALS = {
  trialEnded: 'the trial has ended: choose a plan',
  suspended: 'payments are due: the account is suspended',
  cancelled: 'the account is cancelled',
};

interface TenantCase {
  slug: string;
  plan: 'STARTER' | 'PROFESSIONAL' | 'ENTERPRISE';
  status: 'TRIAL' | 'ACTIVE' | 'SUSPENDED' | 'CANCELLED';
  /** SQL for trial_ends_at. */
  trialEndsAt: string;
  /** The refusal of every command but whoami, logout and tenant show; undefined in service. */
  refusal?: string;
}

const STATES: TenantCase[] = [
  { slug: 'trial-running', plan: 'ENTERPRISE', status: 'TRIAL', trialEndsAt: "now() + interval '3 days'" },
  { slug: 'trial-ended', plan: 'ENTERPRISE', status: 'TRIAL', trialEndsAt: "now() - interval '1 minute'", refusal: REFUSALS.trialEnded },
  { slug: 'active-company', plan: 'ENTERPRISE', status: 'ACTIVE', trialEndsAt: 'NULL' },
  { slug: 'suspended-company', plan: 'ENTERPRISE', status: 'SUSPENDED', trialEndsAt: 'NULL', refusal: REFUSALS.suspended },
  { slug: 'cancelled-company', plan: 'ENTERPRISE', status: 'CANCELLED', trialEndsAt: 'NULL', refusal: REFUSALS.cancelled },
];

const PLAN_CASES: TenantCase[] = [
  { slug: 'starter-company', plan: 'STARTER', status: 'ACTIVE', trialEndsAt: 'NULL' },
  { slug: 'pro-company', plan: 'PROFESSIONAL', status: 'ACTIVE', trialEndsAt: 'NULL' },
];

/** The exit code and stderr, but the warning every login to a plain-text credentials file gives (tests have no keychain). */
const outcome = (result: CliResult) => {
  const stderr = result.stderr.replace(/^warning: EPICEVENTS_KEYCHAIN=off: .*\n/m, '').trim();
  // With --json an error is a JSON document: its message, said as the human form says it.
  const json = stderr.startsWith('{') ? (JSON.parse(stderr) as { error: { message: string } }) : undefined;
  return { code: result.code, stderr: json ? `error: ${json.error.message}` : stderr };
};

const MANAGER = 'ann@company.example';
const SALES = 'sam@company.example';

(serverUrl() ? describe : describe.skip)('plans and lifecycle', () => {
  const served = servedDatabase();
  const tenantIds = new Map<string, number>();

  /** A tenant with a manager and a SALES employee (factory password), made as the administrator would. */
  async function makeTenant(tenant: TenantCase, mode: Mode): Promise<string> {
    const slug = `${tenant.slug}-${mode}`;
    const [{ id }] = await served.db.query<{ id: number }>(
      `INSERT INTO tenants (slug, name, plan, status, trial_ends_at) VALUES ($1::text, $1::text, $2, $3, ${tenant.trialEndsAt}) RETURNING id::int AS id`,
      [slug, tenant.plan, tenant.status],
    );
    tenantIds.set(slug, id);
    await served.db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(id)]);
    try {
      await served.db.query(
        `INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('Ann', 'Manager', $1, 'MANAGEMENT', $3), ('Sam', 'Sales', $2, 'SALES', $3)`,
        [MANAGER, SALES, FACTORY_PASSWORD_HASH],
      );
    } finally {
      await served.db.query(`SELECT set_config('app.tenant_id', '1', false)`);
    }
    return slug;
  }

  /** Someone of `slug`, logged in through the binary: direct mode opens the database in that tenant, server mode goes through the server. */
  async function personOf(slug: string, mode: Mode, email = MANAGER): Promise<TestUser> {
    const env: Record<string, string> =
      mode === 'direct'
        ? { EPICEVENTS_TENANT: slug }
        : { EPICEVENTS_SERVER: served.server.url, EPICEVENTS_TENANT: slug, DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' };
    const user = userFor(served.db, email, env);
    const login = await user.run(['login', '--email', email, '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` });
    // Logging in works in every state: then only whoami, logout and tenant show do.
    expect({ slug, mode, ...outcome(login) }).toEqual({ slug, mode, code: 0, stderr: '' });
    return user;
  }

  describe.each(MODES)('in %s mode', (mode) => {
    it.each(STATES)('should serve or refuse each kind of command for a tenant in $status (trial ends $trialEndsAt)', async (tenant) => {
      const slug = await makeTenant(tenant, mode);
      const ann = await personOf(slug, mode);
      const refused = tenant.refusal ? { code: 4, stderr: `error: ${tenant.refusal}` } : undefined;
      const commands: [string, string[], string?][] = [
        ['read', ['employee', 'list', '--json']],
        ['write', ['employee', 'create', '--first-name', 'Nia', '--last-name', 'New', '--email', 'nia@company.example', '--role', 'SUPPORT', '--password-stdin', '--json'], 'Nia-first-passphrase-2026\n'],
        ['notification list', ['notification', 'list', '--json']],
        ['password change', ['password', 'change', '--password-stdin'], `${FACTORY_PASSWORD}\nA-new-and-longer-passphrase-2026\n`],
      ];
      for (const [what, args, stdin] of commands) {
        const result = await ann.run(args, stdin ? { stdin } : {});
        expect({ what, ...outcome(result), stdout: refused ? result.stdout : '' }).toEqual({ what, ...(refused ?? { code: 0, stderr: '' }), stdout: '' });
      }
      // Always served: who one is, the account (to see why), and leaving.
      const whoami = await ann.run(['whoami', '--json']);
      expect({ ...outcome(whoami), tenant: whoami.json<{ tenant: string }>().tenant }).toEqual({ code: 0, stderr: '', tenant: slug });
      const shown = await ann.run(['tenant', 'show', '--json']);
      expect({ ...outcome(shown), status: shown.json<{ status: string }>().status }).toEqual({ code: 0, stderr: '', status: tenant.status });
      const human = await ann.run(['tenant', 'show']);
      expect(human.code).toBe(0);
      if (tenant.slug === 'trial-running') expect(human.stdout).toMatch(/trial\s+3 days left/);
      if (tenant.slug === 'trial-ended') expect(human.stdout).toMatch(/trial\s+ended .*: choose a plan/);
      expect(outcome(await ann.run(['logout']))).toEqual({ code: 0, stderr: '' });
      // Nothing a refusal stopped was written.
      const [{ n }] = await served.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM employees WHERE tenant_id = $1`, [tenantIds.get(slug)]);
      expect({ slug, employees: n }).toEqual({ slug, employees: tenant.refusal ? 2 : 3 });
    });

    it('should refuse on STARTER the report, CSV import and export and the audit trail, naming the plans that have them (exit 4)', async () => {
      const slug = await makeTenant(PLAN_CASES[0], mode);
      const ann = await personOf(slug, mode);
      const sam = await personOf(slug, mode, SALES);
      const refusals: [TestUser, string[], string][] = [
        [ann, ['report'], 'the STARTER plan does not include reports: PROFESSIONAL and ENTERPRISE do'],
        [ann, ['audit', 'list'], 'the STARTER plan does not include the audit trail: ENTERPRISE does'],
        [ann, ['client', 'export', '--csv'], 'the STARTER plan does not include CSV import and export: PROFESSIONAL and ENTERPRISE do'],
        [sam, ['client', 'import', '-'], 'the STARTER plan does not include CSV import and export: PROFESSIONAL and ENTERPRISE do'],
      ];
      for (const [user, args, message] of refusals) {
        const result = await user.run(args, { stdin: 'full_name,email,phone,company_name\nAnn One,ann@import.io,+33612345601,One SA\n' });
        expect({ args, ...outcome(result), stdout: result.stdout }).toEqual({ args, code: 4, stderr: `error: ${message}`, stdout: '' });
      }
      // The CRM itself is in every plan.
      expect(outcome(await ann.run(['client', 'list']))).toEqual({ code: 0, stderr: '' });
      const [{ n }] = await served.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM clients WHERE tenant_id = $1`, [tenantIds.get(slug)]);
      expect(n).toBe(0);
    });

    it('should refuse on PROFESSIONAL only the audit trail', async () => {
      const slug = await makeTenant(PLAN_CASES[1], mode);
      const ann = await personOf(slug, mode);
      const audit = await ann.run(['audit', 'list']);
      expect(outcome(audit)).toEqual({ code: 4, stderr: 'error: the PROFESSIONAL plan does not include the audit trail: ENTERPRISE does' });
      expect(outcome(await ann.run(['report', '--json']))).toEqual({ code: 0, stderr: '' });
      expect(outcome(await ann.run(['client', 'export', '--csv']))).toEqual({ code: 0, stderr: '' });
    });

    it('should show the tenant with its limits and usage to any role, as JSON of the documented shape', async () => {
      const slug = await makeTenant({ slug: 'shown', plan: 'STARTER', status: 'TRIAL', trialEndsAt: "now() + interval '10 days'" }, mode);
      const sam = await personOf(slug, mode, SALES);
      const shown = await sam.run(['tenant', 'show', '--json']);
      expect(outcome(shown)).toEqual({ code: 0, stderr: '' });
      const json = shown.json<Record<string, unknown>>();
      expect(json).toEqual({
        id: tenantIds.get(slug),
        slug,
        name: slug,
        plan: 'STARTER',
        status: 'TRIAL',
        trialEndsAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        limits: { employees: 5, clients: 1000 },
        usage: { employees: 2, clients: 0 },
      });
      const human = await sam.run(['tenant', 'show']);
      expect(human.stdout).toMatch(/plan\s+STARTER/);
      expect(human.stdout).toMatch(/trial\s+10 days left/);
      expect(human.stdout).toMatch(/active employees\s+2 of 5/);
      expect(human.stdout).toMatch(/clients\s+0 of 1,000/);
      // ENTERPRISE: no limit, said as null.
      const unlimited = await personOf(await makeTenant({ slug: 'unlimited', plan: 'ENTERPRISE', status: 'ACTIVE', trialEndsAt: 'NULL' }, mode), mode);
      const body = (await unlimited.run(['tenant', 'show', '--json'])).json<{ limits: unknown; trialEndsAt: unknown }>();
      expect(body).toMatchObject({ limits: { employees: null, clients: null }, trialEndsAt: null });
    });
  });

  describe('through the API', () => {
    const login = (slug: string) => accessToken(served.server.url, MANAGER, { tenant: slug });

    it('should answer 403 with the refusal as a problem document, and serve whoami, the tenant and logout', async () => {
      const slug = await makeTenant({ slug: 'api-suspended', plan: 'ENTERPRISE', status: 'SUSPENDED', trialEndsAt: 'NULL' }, 'server');
      const token = await login(slug);
      for (const [method, route] of [['GET', '/v1/clients'], ['GET', '/v1/notifications'], ['POST', '/v1/notifications/read-all'], ['GET', '/v1/report']] as const) {
        const response = await httpRequest(served.server.url, method, route, { token });
        expect({ route, status: response.status, code: response.json().code, detail: response.json().detail }).toEqual({
          route,
          status: 403,
          code: 'forbidden',
          detail: REFUSALS.suspended,
        });
      }
      expect((await httpRequest(served.server.url, 'GET', '/v1/auth/whoami', { token })).status).toBe(200);
      const tenant = await httpRequest(served.server.url, 'GET', '/v1/tenant', { token });
      expect({ status: tenant.status, body: tenant.json() }).toMatchObject({ status: 200, body: { slug, status: 'SUSPENDED', plan: 'ENTERPRISE' } });
      expect((await httpRequest(served.server.url, 'POST', '/v1/auth/logout', { token })).status).toBe(200);
    });

    it('should end a trial by the database clock: the same token is served, then refused once trial_ends_at has passed', async () => {
      const slug = await makeTenant({ slug: 'api-trial', plan: 'ENTERPRISE', status: 'TRIAL', trialEndsAt: "now() + interval '1 hour'" }, 'server');
      const token = await login(slug);
      expect((await httpRequest(served.server.url, 'GET', '/v1/clients', { token })).status).toBe(200);
      await served.db.query(`UPDATE tenants SET trial_ends_at = now() - interval '1 second' WHERE slug = $1`, [slug]);
      const refused = await httpRequest(served.server.url, 'GET', '/v1/clients', { token });
      expect({ status: refused.status, detail: refused.json().detail }).toEqual({ status: 403, detail: REFUSALS.trialEnded });
      // The trial becomes ACTIVE (a plan chosen): served again, with the same token.
      await served.db.query(`UPDATE tenants SET status = 'ACTIVE' WHERE slug = $1`, [slug]);
      expect((await httpRequest(served.server.url, 'GET', '/v1/clients', { token })).status).toBe(200);
    });

    it('should refuse a module the plan lacks with 403, the CSV export route included', async () => {
      const slug = await makeTenant({ slug: 'api-starter', plan: 'STARTER', status: 'ACTIVE', trialEndsAt: 'NULL' }, 'server');
      const token = await login(slug);
      for (const route of ['/v1/report', '/v1/audit', '/v1/clients/export']) {
        const response = await httpRequest(served.server.url, 'GET', route, { token });
        expect({ route, status: response.status, detail: response.json().detail }).toEqual({
          route,
          status: 403,
          detail: expect.stringMatching(/^the STARTER plan does not include (reports|the audit trail|CSV import and export): /),
        });
      }
    });
  });
});
