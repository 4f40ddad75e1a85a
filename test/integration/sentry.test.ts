import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { runCli, runCommandsAsProcesses, tempHome } from '../support/cli';
import { httpRequest, startServer } from '../support/server';
import { FACTORY_PASSWORD, insertClient, insertEmployee } from '../support/factories';
import { createTestDatabase, serverUrl, type TestDatabase } from '../support/test-database';
import { initManager, login, TEST_PASSWORD, type TestUser, userFor } from '../support/users';

// The subject is the process: the Sentry SDK, loaded once per process, and what it sends before the process exits.
runCommandsAsProcesses();

/**
 * Sentry through its real transport: a local HTTP server stands in for sentry.io and receives the
 * envelopes the SDK sends (`POST /api/1/envelope/`).
 */
interface SentryEvent {
  message?: string | { formatted?: string };
  level?: string;
  tags?: Record<string, string>;
  exception?: { values?: { type?: string; value?: string }[] };
  release?: string;
  environment?: string;
  server_name?: string;
}

let sink: http.Server;
let received: Buffer[] = [];
let dsn: string;
let db: TestDatabase;
let manager: TestUser;

beforeAll(async () => {
  sink = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push(request.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  dsn = `http://publickey@127.0.0.1:${(sink.address() as AddressInfo).port}/1`;
  db = await createTestDatabase();
  manager = await initManager(db);
});
afterAll(async () => {
  sink.close();
  await db.close();
});
beforeEach(() => {
  received = [];
});

/** Every event item of every envelope received so far. */
function events(): SentryEvent[] {
  const out: SentryEvent[] = [];
  for (const envelope of received) {
    const lines = envelope.toString('utf8').split('\n');
    for (let i = 1; i < lines.length - 1; i += 1) {
      const header = JSON.parse(lines[i]) as { type?: string };
      if (header.type === 'event') out.push(JSON.parse(lines[i + 1]) as SentryEvent);
    }
  }
  return out;
}

const text = (event: SentryEvent) =>
  typeof event.message === 'string' ? event.message : (event.message?.formatted ?? event.exception?.values?.[0]?.value ?? '');

const withSentry = (user: TestUser, args: string[], stdin?: string) => user.run(args, { env: { SENTRY_DSN: dsn }, stdin });

/** Waits (up to 10 s) for what a server sends in the background after its answer. */
async function eventually(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function expectOneEvent(pattern: RegExp, tags: Record<string, string>): Promise<SentryEvent> {
  const all = events();
  expect(all.map(text)).toEqual([expect.stringMatching(pattern)]);
  expect(all[0].tags).toMatchObject(tags);
  expect(all[0].release).toMatch(/^epicevents@\d+\.\d+\.\d+/);
  expect(all[0].environment).toBe('production');
  return all[0];
}

describe('business events', () => {
  it('should send one event per employee lifecycle step, with the ids as tags and a readable message', async () => {
    const managerId = String((await manager.run(['whoami', '--json'])).json<{ id: number }>().id);
    const created = await withSentry(manager, ['employee', 'create', '--first-name', 'Kate', '--last-name', 'Hastings', '--email', 'kate@epic.events', '--role', 'SALES', '--json']);
    expect(created.code).toBe(0);
    const id = String(created.json<{ id: number }>().id);
    const oneTimePasswords = [created.json<{ oneTimePassword: string }>().oneTimePassword];
    await expectOneEvent(new RegExp(`^employee ${id} created by employee ${managerId}$`), { employee_id: id, actor_id: managerId, event: 'employee.create' });

    const steps: [string[], RegExp][] = [
      [['employee', 'update', id, '--role', 'SUPPORT'], new RegExp(`^employee ${id} updated \\(role SALES → SUPPORT\\) by employee ${managerId}$`)],
      [['employee', 'deactivate', id], new RegExp(`^employee ${id} deactivated by employee ${managerId}$`)],
      [['employee', 'reactivate', id], new RegExp(`^employee ${id} reactivated by employee ${managerId}$`)],
      [['employee', 'reset-password', id], new RegExp(`^employee ${id} had their password reset by employee ${managerId}$`)],
      [['employee', 'delete', id, '--yes'], new RegExp(`^employee ${id} deleted by employee ${managerId}$`)],
    ];
    const bytes: Buffer[] = [...received];
    for (const [args, pattern] of steps) {
      received = [];
      const result = await withSentry(manager, [...args, '--json']);
      expect(result.code).toBe(0);
      await expectOneEvent(pattern, { employee_id: id, actor_id: managerId });
      const { oneTimePassword } = result.json<{ oneTimePassword?: string }>();
      if (oneTimePassword) oneTimePasswords.push(oneTimePassword);
      bytes.push(...received);
    }
    // The one-time passwords of `create` and `reset-password` stay on the manager's terminal.
    expect(oneTimePasswords).toHaveLength(2);
    const sent = Buffer.concat(bytes).toString('utf8');
    for (const secret of [...oneTimePasswords, TEST_PASSWORD]) expect(sent).not.toContain(secret);
  });

  (serverUrl() ? it : it.skip)("should send one event for a company's sign-up and one for each change the platform operator makes to it, from the server", async () => {
    const server = await startServer(db, { args: ['--allow-signup'], env: { SENTRY_DSN: dsn } });
    try {
      const password = 'operator-password-2026';
      const signup = await httpRequest(server.url, 'POST', '/v1/signup', {
        body: { company: 'Sentry Watched Events', email: 'boss@watched.example', firstName: 'Bo', lastName: 'Boss', password },
      });
      expect(signup.status).toBe(201);
      const { tenant, employee } = signup.json<{ tenant: { id: number; slug: string }; employee: { id: number } }>();
      const { id: tenantId, slug } = tenant;
      // Its first manager's creation, as `init`'s, and the company's.
      await eventually(() => events().length > 1);
      expect(events().map(text)).toEqual([`employee ${employee.id} created by employee ${employee.id}`, `tenant ${tenantId} (${slug}) created: TRIAL on STARTER`]);
      expect(events()[1].tags).toMatchObject({ tenant_id: String(tenantId), event: 'tenant.created' });

      const init = await runCli(['platform', 'init', '--email', 'ops@watched.example', '--password-stdin', '--json'], { env: { ...db.env, EPICEVENTS_HOME: tempHome() }, stdin: `${password}\n`, process: true });
      expect(init.code).toBe(0);
      const operatorId = String(init.json<{ id: number }>().id);
      const login = await httpRequest(server.url, 'POST', '/v1/platform/auth/login', { body: { email: 'ops@watched.example', password } });
      const token = login.json<{ accessToken: string }>().accessToken;
      received = [];
      expect((await httpRequest(server.url, 'POST', `/v1/platform/tenants/${slug}/plan`, { token, body: { plan: 'PROFESSIONAL' } })).status).toBe(200);
      await eventually(() => events().length > 0);
      await expectOneEvent(new RegExp(`^tenant ${tenantId} \\(${slug}\\) tenant.plan: TRIAL → ACTIVE, STARTER → PROFESSIONAL, by platform operator ${operatorId}$`), {
        tenant_id: String(tenantId),
        operator_id: operatorId,
      });
      // A refused change reports nothing.
      received = [];
      expect((await httpRequest(server.url, 'POST', `/v1/platform/tenants/${slug}/resume`, { token })).status).toBe(409);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(events()).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('should send one event for a signature and one for a contract created already signed', async () => {
    const sales = await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events' });
    const client = await insertClient(db, { salesContactId: sales.id });
    const draft = await withSentry(manager, ['contract', 'create', '--client', String(client.id), '--total', '1500', '--json']);
    expect(draft.code).toBe(0);
    expect(events()).toEqual([]);
    const contractId = String(draft.json<{ id: number }>().id);

    const salesUser = userFor(db, 'bill@epic.events');
    await login(salesUser, FACTORY_PASSWORD);
    expect((await withSentry(salesUser, ['contract', 'sign', contractId])).code).toBe(0);
    await expectOneEvent(new RegExp(`^contract ${contractId} signed by employee ${sales.id}$`), { contract_id: contractId, actor_id: String(sales.id) });

    received = [];
    const signed = await withSentry(manager, ['contract', 'create', '--client', String(client.id), '--total', '900', '--signed', '--json']);
    expect(signed.code).toBe(0);
    await expectOneEvent(new RegExp(`^contract ${signed.json<{ id: number }>().id} signed by employee \\d+$`), { event: 'contract.signed' });
  });

  it('should send nothing for expected errors: validation, permission, not found, conflict', async () => {
    expect((await withSentry(manager, ['employee', 'show', '999999'])).code).toBe(5);
    expect((await withSentry(manager, ['employee', 'create', '--first-name', 'X', '--last-name', 'Y', '--email', 'not-an-email', '--role', 'SALES'])).code).toBe(2);
    expect((await withSentry(manager, ['employee', 'create', '--first-name', 'X', '--last-name', 'Y', '--email', 'ada@epic.events', '--role', 'SALES'])).code).toBe(6);
    expect((await withSentry(manager, ['client', 'create', '--full-name', 'A', '--email', 'a@b.io', '--phone', '+33612345678', '--company', 'C'])).code).toBe(4);
    expect(events()).toEqual([]);
  });
});

describe('unexpected errors', () => {
  it('should report an unexpected failure with the command and employee, and no secret anywhere in what is sent', async () => {
    // A database the code does not expect (a column gone) produces a genuine bug path: exit 1.
    const secretUrl = db.url ? db.url.replace('postgres@', 'postgres:Sup3rS3cretDbPass@') : undefined;
    await db.query('ALTER TABLE clients RENAME COLUMN company_name TO company_name_gone');
    try {
      const result = await manager.run(['client', 'list'], { env: { SENTRY_DSN: dsn, ...(secretUrl ? { DATABASE_URL: secretUrl } : {}) } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/unexpected error/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await db.query('ALTER TABLE clients RENAME COLUMN company_name_gone TO company_name');
    }
    const [event, ...rest] = events();
    expect(rest).toEqual([]);
    expect(event.level).toBe('error');
    expect(event.tags).toMatchObject({ command: 'client list', employee_id: expect.stringMatching(/^\d+$/) });

    const credentials = JSON.parse(fs.readFileSync(path.join(manager.home, 'credentials.json'), 'utf8')) as Record<string, string>;
    const bytes = Buffer.concat(received).toString('utf8');
    for (const secret of [TEST_PASSWORD, credentials.accessToken, credentials.refreshToken, 'Sup3rS3cretDbPass', 'test-secret-that-is-at-least-32-bytes-long']) {
      expect(bytes).not.toContain(secret);
    }
  });
});

describe('what identifies the machine', () => {
  it("should leave the machine's hostname out of business events and error reports", async () => {
    expect((await withSentry(manager, ['employee', 'create', '--first-name', 'Hal', '--last-name', 'Host', '--email', 'hal@epic.events', '--role', 'SUPPORT'])).code).toBe(0);
    await db.query('ALTER TABLE clients RENAME COLUMN company_name TO company_name_gone');
    try {
      expect((await withSentry(manager, ['client', 'list'])).code).toBe(1);
    } finally {
      await db.query('ALTER TABLE clients RENAME COLUMN company_name_gone TO company_name');
    }
    const all = events();
    expect(all.map((event) => event.level)).toEqual(['info', 'error']);
    expect(all.map((event) => event.server_name)).toEqual([undefined, undefined]);
    const bytes = Buffer.concat(received).toString('utf8');
    expect(bytes).not.toContain('server_name');
    expect(bytes).not.toContain(JSON.stringify(os.hostname()));
  });
});

describe('delivery', () => {
  it('should not load the Sentry SDK at all without SENTRY_DSN', async () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-modules-')), 'modules.txt');
    const preload = path.resolve(__dirname, '../../bench/loaded-modules.js');
    const result = await manager.run(['employee', 'update', '1', '--first-name', 'Ada'], {
      env: { NODE_OPTIONS: `--require "${preload}"`, EPICEVENTS_MODULE_LOG: log },
    });
    expect(result.code).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).not.toMatch(/node_modules[\\/]@sentry[\\/]/);
    // The same check sees the SDK when the DSN is set: the module list is real.
    fs.rmSync(log);
    const withDsn = await manager.run(['employee', 'update', '1', '--first-name', 'Augusta'], {
      env: { NODE_OPTIONS: `--require "${preload}"`, EPICEVENTS_MODULE_LOG: log, SENTRY_DSN: dsn },
    });
    expect(withDsn.code).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/node_modules[\\/]@sentry[\\/]/);
  });

  /** A port where nothing listens: the connection is refused at once. */
  async function closedPort(): Promise<{ port: number; close: () => void }> {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    return { port, close: () => undefined };
  }

  /** A server that accepts the connection and reads the envelope but never answers. */
  async function silentServer(): Promise<{ port: number; close: () => void }> {
    const sockets = new Set<Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const close = () => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    };
    return { port: (silent.address() as AddressInfo).port, close };
  }

  (serverUrl() ? it.each : it.skip.each)([
    ['points at a closed port', closedPort],
    ['points at a server that never answers', silentServer],
  ])('should still succeed, and give up on the flush within 2 s, when the DSN %s', async (_what, endpoint) => {
    const { port, close } = await endpoint();
    try {
      const started = Date.now();
      const baseline = await manager.run(['employee', 'update', '1', '--last-name', 'Lovelace']);
      const usual = Date.now() - started;
      const begin = Date.now();
      // The update is an employee event: there is an envelope to flush.
      const result = await runCli(['employee', 'update', '1', '--last-name', 'Byron'], { env: { ...manager.env, SENTRY_DSN: `http://k@127.0.0.1:${port}/1` } });
      const took = Date.now() - begin;
      expect(baseline.code).toBe(0);
      expect(result.code).toBe(0);
      // A bound, not a benchmark: the flush may wait 2 s at most; the margin absorbs loading the SDK.
      expect(took - usual).toBeLessThan(2000 + 1500);
    } finally {
      close();
    }
  });
});
