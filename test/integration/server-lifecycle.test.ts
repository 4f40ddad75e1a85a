import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, TEST_JWT_SECRET, runCommandsAsProcesses } from '../support/cli';
import { FACTORY_PASSWORD, insertEmployee } from '../support/factories';
import { holdRowLock, waitForBlocked } from '../support/row-locks';
import { programRuns } from '../support/programs';
import { httpRequest, startServer } from '../support/server';
import { createTestDatabase, serverUrl, type TestDatabase } from '../support/test-database';
import { startThrowawayServer, throwawayServerAvailable } from '../support/throwaway-server';

// The subject is the process: servers and commands as separate processes sharing one folder.
runCommandsAsProcesses();

/** `epicevents serve` as a process: its flags, health, TLS, shutdown, limits and the embedded database. */

const onServer = serverUrl() ? describe : describe.skip;

describe('serve refuses to start', () => {
  it.each([
    ['a port out of range', ['--port', '70000'], {}, 2, /--port must be a whole number from 0 to 65535 \(got "70000"\)/],
    ['a host with a space', ['--host', 'a b'], {}, 2, /--host must be an address or a host name/],
    ['a certificate without its key', ['--tls-cert', 'cert.pem'], {}, 2, /--tls-cert and --tls-key go together/],
    ['certificate files that do not exist', ['--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'], {}, 2, /cannot read --tls-cert \/nonexistent\/cert.pem: ENOENT/],
    ['DATABASE_URL without EPICEVENTS_JWT_SECRET', [], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', EPICEVENTS_JWT_SECRET: undefined }, 7, /EPICEVENTS_JWT_SECRET is not set; it is required with DATABASE_URL/],
    ['a malformed EPICEVENTS_DB_POOL', [], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', EPICEVENTS_DB_POOL: 'lots' }, 7, /EPICEVENTS_DB_POOL must be a whole number/],
  ] as [string, string[], Record<string, string | undefined>, number, RegExp][])('should exit with the documented code and one line when given %s', async (_case, args, env, code, message) => {
    const result = await runCli(['serve', ...args], { env });
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });

  it('should refuse a certificate and key that are not PEM with exit 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-tls-'));
    fs.writeFileSync(path.join(dir, 'cert.pem'), 'not a certificate');
    fs.writeFileSync(path.join(dir, 'key.pem'), 'not a key');
    const result = await runCli(['serve', '--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(dir, 'key.pem')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--tls-cert and --tls-key must be a PEM certificate and its matching private key/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

onServer('serve on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('should answer healthz, and readyz 503 naming the reason while the schema is behind', async () => {
    const server = await startServer(db);
    try {
      expect((await httpRequest(server.url, 'GET', '/healthz')).json()).toEqual({ status: 'ok' });
      expect((await httpRequest(server.url, 'GET', '/readyz')).json()).toEqual({ status: 'ready' });
      const [newest] = await db.query<{ id: number; timestamp: string; name: string }>('DELETE FROM migrations WHERE id = (SELECT max(id) FROM migrations) RETURNING *');
      try {
        const behind = await httpRequest(server.url, 'GET', '/readyz');
        expect({ status: behind.status, type: behind.headers['content-type'] }).toEqual({ status: 503, type: 'application/problem+json; charset=utf-8' });
        expect(behind.json()).toMatchObject({ code: 'unavailable', detail: 'the database schema is behind: 1 migration(s) pending', hint: 'run `epicevents db migrate`' });
        expect((await httpRequest(server.url, 'GET', '/healthz')).status).toBe(200);
      } finally {
        await db.query('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)', [newest.id, newest.timestamp, newest.name]);
      }
      expect((await httpRequest(server.url, 'GET', '/readyz')).status).toBe(200);
    } finally {
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    }
  });

  it('should stop accepting on SIGTERM, let the requests in flight finish, and exit 0', async () => {
    const employee = await insertEmployee(db, { email: 'in-flight@epic.events' });
    const server = await startServer(db);
    // Logins count the attempt on the employee's row first: held here, they wait in the database.
    const lock = await holdRowLock(db.url as string, 'employees', 'id = $1', [employee.id]);
    let released = false;
    try {
      const logins = [1, 2].map(() => httpRequest(server.url, 'POST', '/v1/auth/login', { body: { email: 'in-flight@epic.events', password: FACTORY_PASSWORD } }));
      await waitForBlocked(db.url as string, 2);
      process.kill(server.pid, 'SIGTERM');
      await server.waitForLogLines((line) => line.signal === 'SIGTERM', 1);
      // No new connection is accepted any more…
      let refused: NodeJS.ErrnoException | undefined;
      for (let attempt = 0; !refused && attempt < 200; attempt += 1) {
        refused = await httpRequest(server.url, 'GET', '/healthz').then(
          () => undefined,
          (error: NodeJS.ErrnoException) => error,
        );
      }
      expect(refused?.code).toBe('ECONNREFUSED');
      // …while the two requests in flight get their answers once the database lets them through.
      await lock.release();
      released = true;
      const answers = await Promise.all(logins);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stdout()).toBe(`listening on ${server.url}\n`);
    } finally {
      if (!released) await lock.release();
      await server.stop();
    }
  });

  it('should cancel a statement that runs longer than 30 s and answer 503', async () => {
    const employee = await insertEmployee(db, { email: 'slow@epic.events' });
    const server = await startServer(db);
    const lock = await holdRowLock(db.url as string, 'employees', 'id = $1', [employee.id]);
    try {
      const answer = await httpRequest(server.url, 'POST', '/v1/auth/login', { body: { email: 'slow@epic.events', password: FACTORY_PASSWORD } });
      expect(answer.status).toBe(503);
      expect(answer.json()).toMatchObject({ code: 'unavailable', detail: 'PostgreSQL at 127.0.0.1:5432 cancelled a statement that ran too long' });
    } finally {
      await lock.release();
      await server.stop();
    }
  }, 90_000);

  const opensslAvailable = programRuns('openssl', ['version']);

  (opensslAvailable ? it : it.skip)('should serve https with --tls-cert and --tls-key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server = await startServer(db, { args: ['--tls-cert', cert, '--tls-key', key] });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const answer = await httpRequest(server.url, 'GET', '/healthz', { ca: fs.readFileSync(cert) });
      expect(answer.json()).toEqual({ status: 'ok' });
      // A client that does not trust the certificate gets no answer at all.
      await expect(httpRequest(server.url, 'GET', '/healthz')).rejects.toThrow(/self-signed certificate/);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should exit 7 naming the port when it is already in use', async () => {
    const first = await startServer(db);
    try {
      const port = new URL(first.url).port;
      const second = await runCli(['serve', '--port', port], { env: db.env });
      expect(second.code).toBe(7);
      expect(second.stderr).toMatch(new RegExp(`cannot listen on 127.0.0.1:${port}: the port is already in use`));
    } finally {
      await first.stop();
    }
  });
});

(throwawayServerAvailable() ? describe : describe.skip)('serve when its PostgreSQL stops', () => {
  it('should answer readyz 503 while the database is down, healthz 200 all along, and recover when it is back', async () => {
    const pg = await startThrowawayServer();
    try {
      const migrated = await runCli(['db', 'migrate'], { env: { DATABASE_URL: pg.url } });
      expect(migrated.code).toBe(0);
      const server = await startServer({ env: { DATABASE_URL: pg.url }, url: pg.url });
      try {
        expect((await httpRequest(server.url, 'GET', '/readyz')).status).toBe(200);
        pg.stop('fast');
        const down = await httpRequest(server.url, 'GET', '/readyz');
        expect(down.status).toBe(503);
        expect(down.json()).toMatchObject({ code: 'unavailable', detail: expect.stringMatching(/^cannot reach PostgreSQL at 127\.0\.0\.1:\d+/) });
        expect(down.text).not.toContain(pg.url);
        expect((await httpRequest(server.url, 'GET', '/healthz')).status).toBe(200);
        pg.start();
        expect((await httpRequest(server.url, 'GET', '/readyz')).status).toBe(200);
      } finally {
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      }
    } finally {
      pg.destroy();
    }
  });
});

describe('serve over the embedded database', () => {
  it('should keep the embedded database open and serve requests that arrive together one after another', async () => {
    const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-data-'));
    const server = await startServer({ env: { XDG_DATA_HOME: dataHome } }, { env: { EPICEVENTS_JWT_SECRET: undefined }, startTimeoutMs: 60_000 });
    try {
      const init = await httpRequest(server.url, 'POST', '/v1/init', { body: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@epic.events', password: 'Tr0ub4dor&3-horse-battery' } });
      expect(init.status).toBe(201);
      const logins = await Promise.all([1, 2, 3].map(() => httpRequest(server.url, 'POST', '/v1/auth/login', { body: { email: 'ada@epic.events', password: 'Tr0ub4dor&3-horse-battery' } })));
      expect(logins.map((login) => login.status)).toEqual([200, 200, 200]);
      const whoamis = await Promise.all(logins.map((login) => httpRequest(server.url, 'GET', '/v1/auth/whoami', { token: login.json<{ accessToken: string }>().accessToken })));
      expect(whoamis.map((whoami) => whoami.json().email)).toEqual(['ada@epic.events', 'ada@epic.events', 'ada@epic.events']);
      // The generated secret stays with the server: the token was signed with it, not with the test's.
      expect(fs.readFileSync(path.join(server.home, 'epicevents', 'jwt-secret'), 'utf8').trim()).not.toBe(TEST_JWT_SECRET);
    } finally {
      expect(await server.stop()).toEqual({ code: 0, signal: null });
      fs.rmSync(dataHome, { recursive: true, force: true });
    }
  }, 90_000);
});
