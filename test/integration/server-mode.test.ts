import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCli, TEST_JWT_SECRET, tempHome, runCommandsAsProcesses } from '../support/cli';
import { expectOneLineError } from '../support/assertions';
import { FACTORY_PASSWORD, insertEmployee } from '../support/factories';
import { isRoot, makeReadOnly, mountsAvailable } from '../support/mounts';
import { holdRowLock, waitForBlocked } from '../support/row-locks';
import { httpRequest, servedDatabase, startServer } from '../support/server';
import { startInTerminal, tmuxAvailable } from '../support/terminal';
import { createTestDatabase, NOWHERE_DATABASE_URL, serverUrl, type TestDatabase } from '../support/test-database';
import { type TestUser, userFor } from '../support/users';

// The subject is the process: servers and commands as separate processes sharing one folder.
runCommandsAsProcesses();

/**
 * What is particular to server mode: the employee's machine needs no database settings and keeps
 * none; the server is remembered until logout; tokens are renewed through the API under the config
 * folder's lock; a server that is away, killed or plain http off this machine is exit 7 in one
 * line; the embedded database's own server takes the direct commands of its machine. (Everything
 * else, the same commands with the same output, is the CLI suites run in both modes: jest.config.js.)
 */

const BIN = path.resolve(__dirname, '../../bin/epicevents.js');
const onServer = serverUrl() ? describe : describe.skip;

/** An employee's machine in server mode: a config folder, DATABASE_URL pointing nowhere, no JWT secret. */
function employeeMachine(db: TestDatabase, email: string, extra: Record<string, string> = {}): TestUser {
  return userFor({ ...db, env: { DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '', ...extra } }, email);
}

async function loginTo(user: TestUser, server: string, password = FACTORY_PASSWORD) {
  return user.run(['login', '--server', server, '--email', user.email, '--password-stdin'], { stdin: `${password}\n` });
}

/** Every file of a folder, with its content. */
function folderContents(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => fs.statSync(path.join(dir, name)).isFile()).map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]));
}

onServer('an employee machine in server mode', () => {
  const served = servedDatabase();

  it('should work with DATABASE_URL pointing nowhere and no JWT secret, remember the server until logout, and keep no database password or secret', async () => {
    await insertEmployee(served.db, { role: 'SALES', email: 'sam@epic.events' });
    const sam = employeeMachine(served.db, 'sam@epic.events');

    const login = await loginTo(sam, served.server.url);
    expect({ code: login.code, stdout: login.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^logged in as .* \(SALES\)/) });

    // Remembered: no EPICEVENTS_SERVER from now on.
    const whoami = await sam.run(['whoami', '--json']);
    expect(whoami.code).toBe(0);
    expect(whoami.json()).toMatchObject({ email: 'sam@epic.events', role: 'SALES', credentialStore: 'file', server: served.server.url });

    const created = await sam.run(['client', 'create', '--full-name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '+33 6 12 34 56 78', '--company', 'Cool Startup', '--json']);
    expect(created.code).toBe(0);
    const listed = await sam.run(['client', 'list', '--mine', '--json']);
    expect(listed.json<{ fullName: string }[]>().map((c) => c.fullName)).toEqual(['Kevin Casey']);

    const files = folderContents(sam.home);
    expect(Object.keys(files).sort()).toEqual(['credentials.json', 'server.json']);
    for (const content of Object.values(files)) {
      expect(content).not.toContain(TEST_JWT_SECRET);
      expect(content).not.toContain(served.db.url as string);
      expect(content).not.toContain('postgres://');
    }
    expect(Object.keys(JSON.parse(files['credentials.json']) as object)).toEqual(['servers']);

    const logout = await sam.run(['logout']);
    expect({ code: logout.code, stdout: logout.stdout }).toEqual({ code: 0, stdout: 'logged out\n' });
    expect(fs.readdirSync(sam.home)).toEqual([]);
    // The server ended the login too: its session family is revoked.
    const [family] = await served.db.query<{ revoked_reason: string }>(`SELECT revoked_reason FROM session_families f JOIN employees e ON e.id = f.employee_id WHERE e.email = 'sam@epic.events'`);
    expect(family.revoked_reason).toBe('logout');
  });

  it('should show no server in direct mode', async () => {
    await insertEmployee(served.db, { role: 'SUPPORT', email: 'dina@epic.events' });
    const dina = userFor(served.db, 'dina@epic.events');
    await dina.run(['login', '--email', dina.email, '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` });
    const whoami = await dina.run(['whoami', '--json']);
    expect(whoami.json()).toMatchObject({ email: 'dina@epic.events', server: null });
  });

  it('should accept EPICEVENTS_TOKEN as in direct mode', async () => {
    await insertEmployee(served.db, { role: 'MANAGEMENT', email: 'ci@epic.events' });
    const ci = employeeMachine(served.db, 'ci@epic.events', { EPICEVENTS_SERVER: served.server.url });
    const printed = await ci.run(['login', '--email', ci.email, '--password-stdin', '--print-token'], { stdin: `${FACTORY_PASSWORD}\n` });
    expect(printed.code).toBe(0);
    const whoami = await ci.run(['whoami', '--json'], { env: { EPICEVENTS_TOKEN: printed.stdout.trim() } });
    expect(whoami.json()).toMatchObject({ email: 'ci@epic.events', credentialStore: 'environment', server: served.server.url });
    expect(fs.readdirSync(ci.home)).toEqual([]);
  });
});

onServer('init through the server', () => {
  const served = servedDatabase();

  const initialised = async () => (await httpRequest(served.server.url, 'GET', '/v1/init')).json<{ initialised: boolean }>().initialised;

  (tmuxAvailable ? it : it.skip)('should ask its questions and create the first manager while the server has no employee, then refuse at once, asking nothing', async () => {
    const ada = employeeMachine(served.db, 'ada@epic.events', { EPICEVENTS_SERVER: served.server.url });
    expect(await initialised()).toBe(false);
    const first = await startInTerminal(['init'], ada.env);
    try {
      await first.waitFor(/First name/);
      first.send('Ada', 'Enter');
      await first.waitFor(/Last name/);
      first.send('Lovelace', 'Enter');
      await first.waitFor(/Email/);
      first.send('ada@epic.events', 'Enter');
      await first.waitFor(/Password/);
      first.send('Tr0ub4dor&3-horse-battery', 'Enter');
      await first.waitFor(/Confirm|again|Repeat/i);
      first.send('Tr0ub4dor&3-horse-battery', 'Enter');
      expect(await first.exitCode()).toBe(0);
      expect(await first.waitFor(/created Ada Lovelace <ada@epic\.events> \(MANAGEMENT\)/)).not.toMatch(/error/);
    } finally {
      first.close();
    }
    expect(await initialised()).toBe(true);

    // Before: the questions came first, and the refusal only after the person had answered them all.
    const again = await startInTerminal(['init'], employeeMachine(served.db, 'eve@epic.events', { EPICEVENTS_SERVER: served.server.url }).env);
    try {
      const screen = await again.waitFor(/already initialised/);
      expect(screen).not.toMatch(/First name/);
      expect(screen).toMatch(/^error: epicevents is already initialised/m);
      expect(await again.exitCode()).toBe(6);
    } finally {
      again.close();
    }
    const employees = await served.db.query<{ email: string }>('SELECT email FROM employees');
    expect(employees).toEqual([{ email: 'ada@epic.events' }]);
  });
});

onServer('client import progress through the server', () => {
  const served = servedDatabase();

  it('should count the lines the server has imported, not the lines sent, on a terminal', async () => {
    const { id } = await insertEmployee(served.db, { role: 'SALES', email: 'pam@epic.events' });
    const pam = employeeMachine(served.db, 'pam@epic.events', { EPICEVENTS_SERVER: served.server.url });
    expect((await loginTo(pam, served.server.url)).code).toBe(0);
    const csv = path.join(pam.home, 'clients.csv');
    const rows = Array.from({ length: 2500 }, (_, i) => `Progress ${i},progress-${i}@example.com,+336${String(20_000_000 + i)},Co\n`);
    fs.writeFileSync(csv, `full_name,email,phone,company_name\n${rows.join('')}`);

    // The import waits for the employee's row (locked here) before its first batch: the whole file
    // is sent meanwhile, and nothing imported.
    const lock = await holdRowLock(served.db.url as string, 'employees', 'id = $1', [id]);
    const command = [process.execPath, BIN, 'client', 'import', csv].map((a) => `'${a}'`).join(' ');
    // script(1): stderr is a terminal, so the command draws its progress line.
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...pam.env, NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitForBlocked(served.db.url as string, 1);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Before: "2,500 lines read…" while the server had imported none of them.
      expect(screen).not.toMatch(/[1-9][\d,]* lines/);
    } finally {
      await lock.release();
    }
    expect(await exited).toBe(0);
    const counts = [...screen.matchAll(/([\d,]+) lines imported…/g)].map((m) => Number(m[1].replace(/,/g, '')));
    expect(counts.length).toBeGreaterThan(0);
    for (const n of counts) expect([1000, 2000, 2500]).toContain(n);
    expect(screen).toContain('imported 2500 clients (yours) from 2500 lines');
  });
});

onServer('token renewal through the API', () => {
  // Access tokens shorter than the client's renewal margin: every command renews first.
  const served = servedDatabase({ env: { EPICEVENTS_ACCESS_TTL: '20s' } });

  it('should renew an expiring session through POST /v1/auth/refresh, one command at a time, without looking like a replay', async () => {
    await insertEmployee(served.db, { role: 'SALES', email: 'rita@epic.events' });
    const rita = employeeMachine(served.db, 'rita@epic.events');
    expect((await loginTo(rita, served.server.url)).code).toBe(0);
    const stored = () => (JSON.parse(fs.readFileSync(path.join(rita.home, 'credentials.json'), 'utf8')) as { servers: Record<string, { refreshToken: string }> }).servers[served.server.url];
    const first = stored().refreshToken;

    const results = await Promise.all([1, 2, 3].map(() => rita.run(['whoami', '--json'])));
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    expect(stored().refreshToken).not.toBe(first);
    const [family] = await served.db.query<{ revoked_at: Date | null }>(`SELECT f.revoked_at FROM session_families f JOIN employees e ON e.id = f.employee_id WHERE e.email = 'rita@epic.events'`);
    expect(family.revoked_at).toBeNull();
  });

  // Permission bits do not stop root: there the folder becomes a read-only bind mount.
  (!isRoot || mountsAvailable() ? it : it.skip)('should keep the login, not spend its refresh token, when the renewed pair could not be saved in a folder made read-only', async () => {
    await insertEmployee(served.db, { role: 'SALES', email: 'ro@epic.events' });
    const ro = employeeMachine(served.db, 'ro@epic.events', { EPICEVENTS_SERVER: served.server.url });
    expect((await ro.run(['login', '--email', ro.email, '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` })).code).toBe(0);
    const file = path.join(ro.home, 'credentials.json');
    const before = fs.readFileSync(file, 'utf8');
    const undo = makeReadOnly(ro.home)!;
    let attempts;
    try {
      attempts = [await ro.run(['whoami']), await ro.run(['whoami'])];
    } finally {
      undo();
    }
    // Before: the first renewal rotated on the server and was lost here; the second presented the
    // spent token, which revoked the login as stolen (exit 3).
    for (const result of attempts) expectOneLineError(result, 7, new RegExp(`^error: cannot use ${file}: (read-only file system|permission denied)`));
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    const after = await ro.run(['whoami', '--json']);
    expect({ code: after.code, stderr: after.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fs.readFileSync(file, 'utf8')).not.toBe(before);
    const families = await served.db.query<{ revoked_at: Date | null }>(`SELECT f.revoked_at FROM session_families f JOIN employees e ON e.id = f.employee_id WHERE e.email = 'ro@epic.events'`);
    expect(families).toEqual([{ revoked_at: null }]);
  });
});

onServer('when the server is away', () => {
  it('should refuse plain http to a host that is not this machine, naming the URL (exit 7)', async () => {
    const home = tempHome();
    const viaEnv = await runCli(['whoami'], { env: { EPICEVENTS_HOME: home, EPICEVENTS_SERVER: 'http://crm.example.com:8080' } });
    expectOneLineError(viaEnv, 7, /^error: refusing plain http to http:\/\/crm\.example\.com:8080: .*use https:\/\/crm\.example\.com:8080/);
    const viaLogin = await runCli(['login', '--server', 'http://10.1.2.3', '--email', 'a@epic.events', '--password-stdin'], { env: { EPICEVENTS_HOME: home }, stdin: 'x\n' });
    expectOneLineError(viaLogin, 7, /^error: refusing plain http to http:\/\/10\.1\.2\.3/);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('should exit 7 in one line naming the server when nothing listens, or when it accepts and never answers', async () => {
    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => accepted.push(socket)); // accepts connections, never says a word
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as net.AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    try {
      const env = { EPICEVENTS_HOME: tempHome(), DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' };
      // Bounded by the client's own answer timeout (4 s): the test's limit only catches a hang.
      const refused = await runCli(['login', '--server', closedUrl, '--email', 'a@epic.events', '--password-stdin'], { env, stdin: 'x\n', timeoutMs: 10_000 });
      expectOneLineError(refused, 7, new RegExp(`^error: cannot reach the epicevents server at ${closedUrl}: connection refused`));
      const unanswered = await runCli(['login', '--server', silentUrl, '--email', 'a@epic.events', '--password-stdin'], { env, stdin: 'x\n', timeoutMs: 10_000 });
      expectOneLineError(unanswered, 7, new RegExp(`^error: cannot reach the epicevents server at ${silentUrl}: no answer within 4 s`));
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('should wait for the answer of a server that is busy but alive (its /healthz answers) rather than exit 7', async () => {
    // Answers /healthz at once and the login only after longer than the client's answer timeout (4 s),
    // as a server whose request waits on a row other commands hold.
    const busy = http.createServer((request, response) => {
      const refuse = () => {
        response.writeHead(401, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, code: 'unauthenticated', detail: 'wrong email or password' }));
      };
      if (request.url === '/healthz') response.end(JSON.stringify({ status: 'ok' }));
      else setTimeout(refuse, 5000);
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyUrl = `http://127.0.0.1:${(busy.address() as net.AddressInfo).port}`;
    try {
      const env = { EPICEVENTS_HOME: tempHome(), DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' };
      const waited = await runCli(['login', '--server', busyUrl, '--email', 'a@epic.events', '--password-stdin'], { env, stdin: 'x\n', timeoutMs: 20_000 });
      expectOneLineError(waited, 3, /^error: wrong email or password/);
    } finally {
      busy.closeAllConnections();
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('should end with exit 2 in one line when the server finds the request too long (414, 431)', async () => {
    const statuses = [414, 431];
    const strict = http.createServer((_request, response) => {
      response.writeHead(statuses.shift() ?? 500, { connection: 'close' });
      response.end();
    });
    await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
    const strictUrl = `http://127.0.0.1:${(strict.address() as net.AddressInfo).port}`;
    try {
      const env = { EPICEVENTS_HOME: tempHome(), DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' };
      for (const status of ['414 URI Too Long', '431 Request Header Fields Too Large']) {
        const refused = await runCli(['login', '--server', strictUrl, '--email', 'a@epic.events', '--password-stdin'], { env, stdin: 'x\n', timeoutMs: 10_000 });
        expectOneLineError(refused, 2, new RegExp(`^error: the request is too long for the server at ${strictUrl} \\(${status}\\)`));
      }
    } finally {
      await new Promise((resolve) => strict.close(resolve));
    }
  });
});

onServer('the server killed mid-command, then restarted', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.close());

  it('should end the command with exit 7 in one line, and the stored session should work again once the server is back', async () => {
    const server = await startServer(db);
    const port = new URL(server.url).port;
    await insertEmployee(db, { role: 'SALES', email: 'ike@epic.events' });
    const ike = employeeMachine(db, 'ike@epic.events');
    expect((await loginTo(ike, server.url)).code).toBe(0);

    // An import whose upload is still open: the command is talking to the server when it dies.
    const child = spawn(process.execPath, [BIN, 'client', 'import', '-'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off', ...ike.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Once the server is gone the command may exit before the rest of its input is written: the
    // pipe is then closed (EPIPE), which is what this test provokes, not a failure of it.
    child.stdin.on('error', () => undefined);
    child.stdin.write('full_name,email,phone,company_name\n');
    // Its caller is resolved (whoami answered): the import's request is next, its upload open.
    await server.waitForLogLines((line) => line.route === '/v1/auth/whoami' && line.actorId !== null, 1);
    await server.stop('SIGKILL');
    child.stdin.end('Ann Example,ann@example.com,+33612345678,Acme\n');
    const code = await exited;
    expect({ code, stdout }).toEqual({ code: 7, stdout: '' });
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^error: cannot reach the epicevents server at ${server.url}: `))]);

    const restarted = await startServer(db, { args: ['--port', port] });
    try {
      expect(restarted.url).toBe(server.url);
      const whoami = await ike.run(['whoami', '--json']);
      expect({ code: whoami.code, stderr: whoami.stderr }).toEqual({ code: 0, stderr: '' });
      expect(whoami.json()).toMatchObject({ email: 'ike@epic.events', server: server.url });
    } finally {
      await restarted.stop();
    }
  });
});

describe('the embedded database behind its server', () => {
  it('should send the direct commands of its machine to the server that holds the folder, with the same session, and stop when it stops', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-embedded-served-'));
    const env = { XDG_CONFIG_HOME: path.join(base, 'config'), XDG_DATA_HOME: path.join(base, 'data') };
    const run = (args: string[], stdin?: string) => runCli(args, { env: { ...env, DATABASE_URL: undefined, EPICEVENTS_JWT_SECRET: undefined }, stdin });
    // The same user's server: the same config folder (where the embedded database's key is generated) and data folder.
    const server = await startServer({ env }, { env: { ...env, DATABASE_URL: undefined, EPICEVENTS_JWT_SECRET: undefined }, startTimeoutMs: 60_000 });
    const announced = path.join(env.XDG_DATA_HOME, 'epicevents', 'data', 'server.json');
    try {
      expect(JSON.parse(fs.readFileSync(announced, 'utf8'))).toEqual({ url: server.url, pid: server.pid });
      const init = await run(['init', '--first-name', 'Ada', '--last-name', 'Lovelace', '--email', 'ada@epic.events', '--password-stdin'], 'Tr0ub4dor&3-horse-battery\n');
      expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
      const login = await run(['login', '--email', 'ada@epic.events', '--password-stdin'], 'Tr0ub4dor&3-horse-battery\n');
      expect(login.code).toBe(0);
      const served = await run(['whoami', '--json']);
      expect(served.json()).toMatchObject({ email: 'ada@epic.events', server: server.url });
      await server.waitForLogLines((line) => line.route === '/v1/auth/whoami', 1);
    } finally {
      await server.stop();
    }
    expect(fs.existsSync(announced)).toBe(false);
    // What a killed server leaves behind (its process gone, the folder's lock free) is ignored.
    fs.writeFileSync(announced, JSON.stringify({ url: server.url, pid: server.pid }), { mode: 0o600 });
    // The session the server issued is direct mode's own: the same database, signed with the same key.
    const direct = await run(['whoami', '--json']);
    expect({ code: direct.code, stderr: direct.stderr }).toEqual({ code: 0, stderr: '' });
    expect(direct.json()).toMatchObject({ email: 'ada@epic.events', server: null });
    fs.rmSync(base, { recursive: true, force: true });
  });
});
