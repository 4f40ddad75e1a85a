import http, { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { signToken } from '../../src/auth/tokens';
import { TEST_JWT_SECRET } from '../support/cli';
import { FACTORY_PASSWORD, insertEmployee } from '../support/factories';
import { type HttpResponse, httpRequest, type RunningServer, startServer, servedDatabase } from '../support/server';
import { createTestDatabase, DEFAULT_TENANT_ID, serverUrl } from '../support/test-database';

/**
 * The API through a real `epicevents serve` process on a real PostgreSQL: raw HTTP, so every
 * status, header and body is the server's own.
 */

const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'code'];

/** A problem+json answer with this status and code, carrying nothing it must never carry. */
function expectProblem(response: HttpResponse, status: number, code: string, secrets: string[] = []): Record<string, unknown> {
  expect({ status: response.status, type: response.headers['content-type'] }).toEqual({ status, type: 'application/problem+json; charset=utf-8' });
  const problem = response.json();
  expect(problem).toMatchObject({ type: 'about:blank', status, code });
  for (const key of PROBLEM_KEYS) expect(typeof problem[key]).toBe(key === 'status' ? 'number' : 'string');
  expect(Object.keys(problem).filter((key) => !PROBLEM_KEYS.includes(key) && !['hint', 'pointer', 'field', 'relatedField', 'detailParts', 'hintParts', 'requestId'].includes(key))).toEqual([]);
  expectNothingPrivate(response.text, secrets);
  return problem;
}

/** No stack frame, SQL, token or secret in a text that leaves the server. */
function expectNothingPrivate(text: string, secrets: string[] = []): void {
  expect(text).not.toMatch(/\bat .+:\d+:\d+|\.(js|ts):\d+/);
  expect(text).not.toMatch(/\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b|\$\d\b|violates|constraint/i);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\./);
  for (const secret of [TEST_JWT_SECRET, ...secrets]) expect(text).not.toContain(secret);
}

interface SessionBody {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: string;
  refreshExpiresAt: string;
  employee: { id: number; email: string; role: string; mustChangePassword: boolean };
  unreadNotifications: number;
}

// Raw SQL behind the server's back needs a second connection: a PostgreSQL server, not the embedded engine.
(serverUrl() ? describe : describe.skip)('the API of epicevents serve', () => {
  const served = servedDatabase();

  const post = (route: string, body?: unknown, token?: string) => httpRequest(served.server.url, 'POST', route, { body, token });
  const get = (route: string, token?: string) => httpRequest(served.server.url, 'GET', route, { token });

  async function loginAs(email: string, password = FACTORY_PASSWORD): Promise<SessionBody> {
    const response = await post('/v1/auth/login', { email, password });
    expect(response.status).toBe(200);
    return response.json<SessionBody>();
  }

  describe('POST /v1/init', () => {
    it('should create one MANAGEMENT account when many inits race on an empty database, and refuse every later one', async () => {
      const attempts = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => post('/v1/init', { firstName: 'Ada', lastName: `Racer${n}`, email: `first-${n}@epic.events`, password: 'Tr0ub4dor&3-horse-battery' })),
      );
      const created = attempts.filter((response) => response.status === 201);
      expect(created).toHaveLength(1);
      expect(created[0].json()).toMatchObject({ role: 'MANAGEMENT', firstName: 'Ada', mustChangePassword: false });
      for (const refused of attempts.filter((response) => response.status !== 201)) {
        expect(expectProblem(refused, 409, 'conflict').detail).toBe('epicevents is already initialised');
      }
      expect(await served.db.query('SELECT role FROM employees')).toEqual([{ role: 'MANAGEMENT' }]);

      const first = created[0].json<{ email: string }>();
      expect((await loginAs(first.email, 'Tr0ub4dor&3-horse-battery')).employee.role).toBe('MANAGEMENT');
    });

    it('should refuse a weak password and a malformed email with 400 naming the rule, creating nothing', async () => {
      const empty = await createTestDatabase();
      const fresh = await startServer(empty);
      try {
        const weak = await httpRequest(fresh.url, 'POST', '/v1/init', { body: { firstName: 'A', lastName: 'B', email: 'a@epic.events', password: 'short' } });
        expect(expectProblem(weak, 400, 'validation').detail).toMatch(/at least 12 characters/);
        const email = await httpRequest(fresh.url, 'POST', '/v1/init', { body: { firstName: 'A', lastName: 'B', email: 'not-an-email', password: 'Tr0ub4dor&3-horse-battery' } });
        expect(expectProblem(email, 400, 'validation').detail).toMatch(/email must be a valid email address/);
        expect(await empty.query('SELECT id FROM employees')).toEqual([]);
      } finally {
        await fresh.stop();
        await empty.close();
      }
    });
  });

  describe('sessions', () => {
    it('should log in, answer whoami with the bearer token, and give the employee as the database has it', async () => {
      const employee = await insertEmployee(served.db, { role: 'SUPPORT', email: 'kate@epic.events' });
      const session = await loginAs('KATE@epic.events');
      expect(session).toMatchObject({ employee: { id: employee.id, email: 'kate@epic.events', role: 'SUPPORT', mustChangePassword: false }, unreadNotifications: 0 });
      expect(new Date(session.accessExpiresAt).getTime()).toBeLessThan(new Date(session.refreshExpiresAt).getTime());

      const whoami = await get('/v1/auth/whoami', session.accessToken);
      expect(whoami.status).toBe(200);
      expect(whoami.json()).toEqual({
        id: employee.id,
        email: 'kate@epic.events',
        firstName: employee.firstName,
        lastName: employee.lastName,
        role: 'SUPPORT',
        mustChangePassword: false,
        tenant: 'default',
        tenantStanding: { plan: 'ENTERPRISE', status: 'ACTIVE', trialEnded: false },
        tokenExpiresAt: session.accessExpiresAt,
        unreadNotifications: 0,
      });

      // The role is the database's at each request, not the token's.
      await served.db.query(`UPDATE employees SET role = 'SALES' WHERE id = $1`, [employee.id]);
      expect((await get('/v1/auth/whoami', session.accessToken)).json()).toMatchObject({ role: 'SALES' });
      await served.db.query('UPDATE employees SET is_active = false WHERE id = $1', [employee.id]);
      expect(expectProblem(await get('/v1/auth/whoami', session.accessToken), 401, 'unauthenticated').detail).toBe('this account is deactivated');
    });

    it('should refuse a deactivated employee at the next request of a list, whose statements each connection prepared already', async () => {
      const employee = await insertEmployee(served.db, { email: 'prepared-reader@epic.events', role: 'MANAGEMENT' });
      const session = await loginAs('prepared-reader@epic.events');
      // Sequential requests reuse one connection: past five runs, PostgreSQL executes its prepared statements with their cached plan.
      for (let i = 0; i < 12; i += 1) expect((await get('/v1/clients?limit=1', session.accessToken)).status).toBe(200);
      await served.db.query('UPDATE employees SET is_active = false WHERE id = $1', [employee.id]);
      expect(expectProblem(await get('/v1/clients?limit=1', session.accessToken), 401, 'unauthenticated').detail).toBe('this account is deactivated');
      await served.db.query('UPDATE employees SET is_active = true WHERE id = $1', [employee.id]);
      expect((await get('/v1/clients?limit=1', session.accessToken)).status).toBe(200);
    });

    it("should check the token before the body, and refuse a deactivated employee's write in its transaction before anything is written", async () => {
      const employee = await insertEmployee(served.db, { email: 'late-writer@epic.events', role: 'SALES' });
      const session = await loginAs('late-writer@epic.events');
      await served.db.query('UPDATE employees SET is_active = false WHERE id = $1', [employee.id]);
      const client = { fullName: 'Never Written', email: 'never-written@example.com', phone: '+33612345678', companyName: 'Nowhere' };
      expectProblem(await post('/v1/clients', { unknownMember: true }, 'not-a-token'), 401, 'unauthenticated');
      // The caller is re-read as the first statement of the route's transaction, after the request's validation.
      expectProblem(await post('/v1/clients', { unknownMember: true }, session.accessToken), 400, 'validation');
      expect(expectProblem(await post('/v1/clients', client, session.accessToken), 401, 'unauthenticated').detail).toBe('this account is deactivated');
      expect((await served.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM clients WHERE email = 'never-written@example.com'`))[0].n).toBe(0);
    });

    it('should refuse a wrong password and an unknown email with the same 401', async () => {
      await insertEmployee(served.db, { email: 'wrong-password@epic.events' });
      const wrong = expectProblem(await post('/v1/auth/login', { email: 'wrong-password@epic.events', password: 'not-the-password' }), 401, 'unauthenticated');
      const unknown = expectProblem(await post('/v1/auth/login', { email: 'nobody@epic.events', password: 'not-the-password' }), 401, 'unauthenticated');
      expect(wrong.detail).toBe('invalid email or password');
      expect(unknown.detail).toBe(wrong.detail);
    });

    it('should rotate the refresh token, and revoke the whole login when a used one is presented again', async () => {
      await insertEmployee(served.db, { email: 'rotate@epic.events' });
      const first = await loginAs('rotate@epic.events');
      const renewed = await post('/v1/auth/refresh', { refreshToken: first.refreshToken });
      expect(renewed.status).toBe(200);
      const second = renewed.json<SessionBody>();
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect((await get('/v1/auth/whoami', second.accessToken)).status).toBe(200);

      const replay = expectProblem(await post('/v1/auth/refresh', { refreshToken: first.refreshToken }), 401, 'unauthenticated');
      expect(replay.detail).toMatch(/a refresh token was used twice/);
      // The thief's replay ended the owner's login too: its newest tokens no longer work.
      expectProblem(await get('/v1/auth/whoami', second.accessToken), 401, 'unauthenticated');
      expectProblem(await post('/v1/auth/refresh', { refreshToken: second.refreshToken }), 401, 'unauthenticated');
    });

    it('should end the login server-side on logout, so its access and refresh tokens stop working at once', async () => {
      await insertEmployee(served.db, { email: 'logout@epic.events' });
      const session = await loginAs('logout@epic.events');
      const other = await loginAs('logout@epic.events');
      const out = await post('/v1/auth/logout', undefined, session.accessToken);
      expect({ status: out.status, body: out.json() }).toEqual({ status: 200, body: { loggedOut: true } });
      expect(expectProblem(await get('/v1/auth/whoami', session.accessToken), 401, 'unauthenticated').detail).toMatch(/this session was ended/);
      expectProblem(await post('/v1/auth/refresh', { refreshToken: session.refreshToken }), 401, 'unauthenticated');
      // Another login of the same account is another session.
      expect((await get('/v1/auth/whoami', other.accessToken)).status).toBe(200);
    });

    it('should change the password, end the other logins, and serve a pending change before anything else', async () => {
      const employee = await insertEmployee(served.db, { email: 'change@epic.events', mustChangePassword: true });
      const session = await loginAs('change@epic.events');
      const elsewhere = await loginAs('change@epic.events');
      expect(session.employee.mustChangePassword).toBe(true);
      expect((await get('/v1/auth/whoami', session.accessToken)).json()).toMatchObject({ mustChangePassword: true });

      const wrongCurrent = await post('/v1/auth/password', { currentPassword: 'not-it-at-all', newPassword: 'A-new-passphrase-2026' }, session.accessToken);
      expect(expectProblem(wrongCurrent, 401, 'unauthenticated').detail).toBe('the current password is wrong');
      const weak = await post('/v1/auth/password', { currentPassword: FACTORY_PASSWORD, newPassword: 'short' }, session.accessToken);
      expect(expectProblem(weak, 400, 'validation').detail).toMatch(/at least 12 characters/);

      const changed = await post('/v1/auth/password', { currentPassword: FACTORY_PASSWORD, newPassword: 'A-new-passphrase-2026' }, session.accessToken);
      expect({ status: changed.status, body: changed.json() }).toEqual({ status: 200, body: { changed: true } });
      expect((await get('/v1/auth/whoami', session.accessToken)).json()).toMatchObject({ id: employee.id, mustChangePassword: false });
      expectProblem(await get('/v1/auth/whoami', elsewhere.accessToken), 401, 'unauthenticated');
      expectProblem(await post('/v1/auth/login', { email: 'change@epic.events', password: FACTORY_PASSWORD }), 401, 'unauthenticated');
      expect((await loginAs('change@epic.events', 'A-new-passphrase-2026')).employee.id).toBe(employee.id);
    });

    it('should lock the account after 5 wrong passwords in a row, counted although each request failed', async () => {
      const employee = await insertEmployee(served.db, { email: 'locked@epic.events' });
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        expectProblem(await post('/v1/auth/login', { email: 'locked@epic.events', password: `wrong-${attempt}` }), 401, 'unauthenticated');
      }
      const [row] = await served.db.query<{ failed_login_count: number; locked_until: unknown }>('SELECT failed_login_count, locked_until FROM employees WHERE id = $1', [employee.id]);
      expect(row.failed_login_count).toBe(5);
      expect(row.locked_until).not.toBeNull();
      // Even the right password is refused while the lock lasts.
      const locked = expectProblem(await post('/v1/auth/login', { email: 'locked@epic.events', password: FACTORY_PASSWORD }), 401, 'unauthenticated');
      expect(locked.detail).toMatch(/the account is locked for 15 more minutes/);
      // Each failure is audited in the account's tenant, by nobody (no one was logged in), and the lockout once.
      const audit = await served.db.query<{ tenant_id: string; action: string; actor_id: number | null; reason: string | null }>(
        `SELECT tenant_id, action, actor_id, changes -> 'reason' ->> 'after' AS reason FROM audit_log WHERE entity_type = 'employee' AND entity_id = $1 ORDER BY id`,
        [employee.id],
      );
      const entry = (action: string, reason: string | null) => ({ tenant_id: String(DEFAULT_TENANT_ID), action, actor_id: null, reason });
      expect(audit).toEqual([
        ...Array.from({ length: 5 }, () => entry('session.login-failed', 'wrong password')),
        entry('session.lockout', null),
        entry('session.login-failed', 'locked'),
      ]);
    });
  });

  describe('refusals', () => {
    let manager: SessionBody;
    beforeAll(async () => {
      await insertEmployee(served.db, { role: 'MANAGEMENT', email: 'refusals@epic.events' });
      manager = await loginAs('refusals@epic.events');
    });

    it('should answer 401 problem+json to a request without a token, or with a token that is not an access token of this server', async () => {
      const id = manager.employee.id;
      const sid = randomUUID();
      const anHourAgo = new Date(Date.now() - 3600_000);
      const header = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = { sub: String(id), role: 'MANAGEMENT', typ: 'access', jti: randomUUID(), sid, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600, iss: 'epicevents', aud: 'epicevents-cli' };
      const cases: [string, string | undefined, RegExp][] = [
        ['no token', undefined, /needs an access token/],
        ['an expired token', signToken(TEST_JWT_SECRET, 'access', { id, role: 'MANAGEMENT', tenantId: 1, tenantSlug: 'default' }, sid, 60, anHourAgo).token, /has expired/],
        ['a token signed with another key', signToken('another-secret-that-is-at-least-32-bytes!', 'access', { id, role: 'MANAGEMENT', tenantId: 1, tenantSlug: 'default' }, sid, 600).token, /not valid/],
        ['an unsigned token (alg: none)', `${header({ alg: 'none', typ: 'JWT' })}.${header(claims)}.`, /not valid/],
        ['a refresh token', manager.refreshToken, /not a valid access token/],
        ['a malformed token', 'not.a.token', /not valid/],
      ];
      for (const [, token, detail] of cases) {
        const response = await get('/v1/auth/whoami', token);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="epicevents"');
        expect(expectProblem(response, 401, 'unauthenticated', [manager.refreshToken]).detail).toMatch(detail);
      }
    });

    it('should refuse malformed JSON, another content type, an unknown route and a body over 1 MiB with the right status', async () => {
      const malformed = await httpRequest(served.server.url, 'POST', '/v1/auth/login', { rawBody: '{"email": "a@b.co", "password": ', headers: { 'content-type': 'application/json' } });
      expect(expectProblem(malformed, 400, 'validation').detail).toBe('the request body is not valid JSON');

      const text = await httpRequest(served.server.url, 'POST', '/v1/auth/login', { rawBody: 'email=a@b.co', headers: { 'content-type': 'text/plain' } });
      expectProblem(text, 415, 'usage');
      const form = await httpRequest(served.server.url, 'POST', '/v1/auth/login', { rawBody: 'email=a@b.co', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectProblem(form, 415, 'usage');

      const unknown = await get('/v1/nothing-here?token=abc', manager.accessToken);
      expect(expectProblem(unknown, 404, 'not_found').detail).toBe('no such route: GET /v1/nothing-here');

      const limit = 1024 * 1024;
      const padding = (size: number) => 'x'.repeat(size - JSON.stringify({ email: 'big@epic.events', password: '' }).length);
      const justUnder = await httpRequest(served.server.url, 'POST', '/v1/auth/login', { body: { email: 'big@epic.events', password: padding(limit) } });
      expectProblem(justUnder, 401, 'unauthenticated');
      const over = await httpRequest(served.server.url, 'POST', '/v1/auth/login', { body: { email: 'big@epic.events', password: padding(limit + 1) } });
      expect(expectProblem(over, 413, 'usage').detail).toBe('the request body is larger than the limit of 1 MiB');
    });

    it('should refuse a body that its schema refuses with 400 naming the member as a JSON pointer', async () => {
      const missing = expectProblem(await post('/v1/auth/login', { email: 'a@epic.events' }), 400, 'validation');
      expect(missing).toMatchObject({ detail: '/password is required', pointer: '/password' });
      const extra = expectProblem(await post('/v1/auth/login', { email: 'a@epic.events', password: 'x', admin: true }), 400, 'validation');
      expect(extra).toMatchObject({ detail: '/admin is not a field of this request', pointer: '/admin' });
      const wrongType = expectProblem(await post('/v1/auth/refresh', { refreshToken: { nested: 1 } }), 400, 'validation');
      expect(wrongType).toMatchObject({ detail: '/refreshToken must be string', pointer: '/refreshToken' });
      const notAnObject = expectProblem(await post('/v1/auth/refresh', [1, 2]), 400, 'validation');
      expect(notAnObject.detail).toBe('the body must be object');
    });

    it('should refuse a search text over 150 characters with 400 naming the query parameter as a JSON pointer', async () => {
      await insertEmployee(served.db, { email: 'long-search@epic.events', role: 'MANAGEMENT' });
      const session = await loginAs('long-search@epic.events');
      const refused = expectProblem(await get(`/v1/clients?search=${'z'.repeat(151)}`, session.accessToken), 400, 'validation');
      expect(refused).toMatchObject({ pointer: '/search' });
      expect(refused.detail).toMatch(/search must be at most 150 characters \(got 151\)$/);
    });
  });

  describe('the login throttle', () => {
    let throttled: RunningServer;
    beforeAll(async () => {
      throttled = await startServer(served.db);
    });
    afterAll(async () => {
      await throttled?.stop();
    });
    const attempt = (email: string) => httpRequest(throttled.url, 'POST', '/v1/auth/login', { body: { email, password: 'not-the-password' } });

    it('should answer 429 with Retry-After once one email failed 10 times, and 429 for every email once the address failed 50 times', async () => {
      for (let n = 1; n <= 10; n += 1) expectProblem(await attempt('target@epic.events'), 401, 'unauthenticated');
      const perEmail = await attempt('TARGET@epic.events');
      expect(expectProblem(perEmail, 429, 'unauthenticated').detail).toMatch(/^too many failed logins; try again in \d+ seconds$/);
      expect(Number(perEmail.headers['retry-after'])).toBeGreaterThan(0);
      // Another email from the same address is still tried (and fails as usual).
      expectProblem(await attempt('someone-else@epic.events'), 401, 'unauthenticated');

      // 11 failures of this address so far; 39 more reach its limit of 50.
      for (let batch = 0; batch < 39; batch += 13) {
        const answers = await Promise.all(Array.from({ length: Math.min(13, 39 - batch) }, (_, i) => attempt(`spray-${batch + i}@epic.events`)));
        for (const answer of answers) expectProblem(answer, 401, 'unauthenticated');
      }
      const perAddress = await attempt('fresh-email@epic.events');
      expectProblem(perAddress, 429, 'unauthenticated');
      expect(Number(perAddress.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('an unexpected error', () => {
    let sink: Server;
    let envelopes: Buffer[];
    let reporting: RunningServer;
    beforeAll(async () => {
      envelopes = [];
      sink = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks);
          envelopes.push(request.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body);
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
      reporting = await startServer(served.db, { env: { SENTRY_DSN: `http://publickey@127.0.0.1:${(sink.address() as AddressInfo).port}/1` } });
    });
    afterAll(async () => {
      await reporting?.stop();
      sink?.close();
    });

    const sentryEvents = () =>
      envelopes.flatMap((envelope) => {
        const lines = envelope.toString('utf8').split('\n');
        return lines.flatMap((line, i) => (i > 0 && (JSON.parse(line || '{}') as { type?: string }).type === 'event' ? [JSON.parse(lines[i + 1]) as { tags?: Record<string, string> }] : []));
      });

    it('should answer 500 with only a request id, log it, and report it to Sentry with that id', async () => {
      await insertEmployee(served.db, { email: 'bug@epic.events' });
      const session = await loginAs('bug@epic.events');
      // Behind the server's back, the schema changes under a query it runs at every request.
      await served.db.query('ALTER TABLE session_families RENAME COLUMN revoked_at TO revoked_at_moved');
      let response: HttpResponse;
      try {
        response = await httpRequest(reporting.url, 'GET', '/v1/auth/whoami', { token: session.accessToken });
      } finally {
        await served.db.query('ALTER TABLE session_families RENAME COLUMN revoked_at_moved TO revoked_at');
      }
      const problem = expectProblem(response, 500, 'internal', [session.accessToken]);
      const requestId = response.headers['x-request-id'] as string;
      expect(problem).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: `unexpected error; the administrator can find it in the server's log by its request id, ${requestId}`,
        code: 'internal',
        requestId,
      });
      expect(response.text).not.toMatch(/revoked_at|session_families|column/);

      const isError = (line: Record<string, unknown>) => line.requestId === requestId && line.msg === 'unexpected error';
      const logged = (await reporting.waitForLogLines(isError, 1)).find(isError);
      expect(logged).toMatchObject({ level: 50, err: { message: expect.stringMatching(/revoked_at/) } });

      for (let waited = 0; sentryEvents().length === 0 && waited < 100; waited += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sentryEvents()).toEqual([expect.objectContaining({ tags: expect.objectContaining({ request_id: requestId, route: '/v1/auth/whoami', command: 'serve' }) })]);
      expect(JSON.stringify(sentryEvents())).not.toContain(session.accessToken);
    });
  });

  describe('the request log', () => {
    it('should write one JSON line per request with its method, route, status, duration, request id and actor, and no secret', async () => {
      const employee = await insertEmployee(served.db, { email: 'logged@epic.events' });
      const before = served.server.logLines().length;
      const session = await loginAs('logged@epic.events');
      const whoami = await get('/v1/auth/whoami', session.accessToken);
      const renewed = (await post('/v1/auth/refresh', { refreshToken: session.refreshToken })).json<SessionBody>();
      await post('/v1/auth/password', { currentPassword: FACTORY_PASSWORD, newPassword: 'Logged-passphrase-2026' }, renewed.accessToken);
      await post('/v1/auth/login', { email: 'logged@epic.events', password: 'a-wrong-password-123' });

      const isRequest = (line: Record<string, unknown>) => line.msg === 'request';
      const lines = (await served.server.waitForLogLines(isRequest, served.server.logLines().slice(0, before).filter(isRequest).length + 5)).slice(before).filter(isRequest);
      expect(lines.map((line) => [line.method, line.route, line.status, line.actorId])).toEqual([
        ['POST', '/v1/auth/login', 200, employee.id],
        ['GET', '/v1/auth/whoami', 200, employee.id],
        ['POST', '/v1/auth/refresh', 200, employee.id],
        ['POST', '/v1/auth/password', 200, employee.id],
        ['POST', '/v1/auth/login', 401, null],
      ]);
      for (const line of lines) {
        expect(Object.keys(line).sort()).toEqual(['actorId', 'durationMs', 'hostname', 'level', 'method', 'msg', 'pid', 'requestId', 'route', 'status', 'time']);
        expect(typeof line.durationMs).toBe('number');
        expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(lines[1].requestId).toBe(whoami.headers['x-request-id']);
      const everything = served.server.stderr();
      for (const secret of [FACTORY_PASSWORD, 'Logged-passphrase-2026', 'a-wrong-password-123', session.accessToken, session.refreshToken, renewed.accessToken, renewed.refreshToken, TEST_JWT_SECRET, served.db.url as string]) {
        expect(everything).not.toContain(secret);
      }
      expect(served.server.stdout()).toBe(`listening on ${served.server.url}\n`);
    });
  });
});
