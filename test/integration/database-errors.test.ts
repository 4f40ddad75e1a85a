import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { runCli, type CliResult } from '../support/cli';
import { adminQuery, createTestDatabase, serverUrl, withDatabase } from '../support/test-database';
import { Database } from '../../src/database/database';
import { MIGRATIONS } from '../../src/database/migrations';
import { CliError } from '../../src/errors/cli-error';

/** What a user sees when the database cannot serve a command: exit 7, one line, no stack trace. */

function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function timed(run: () => Promise<CliResult>): Promise<{ result: CliResult; ms: number }> {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
}

describe('a server that does not answer', () => {
  it('should exit 7 within a few seconds naming host and port when the port is closed', async () => {
    const port = await closedPort();
    const { result, ms } = await timed(() => runCli(['db', 'status'], { env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/epic` } }));
    expect(result.code).toBe(7);
    expectOneLineError(result, new RegExp(`^error: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}: connection refused`));
    expect(ms).toBeLessThan(5000);
  });

  describe('when it accepts connections and never replies', () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    let port = 0;

    beforeAll(async () => {
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as net.AddressInfo).port;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('should give up after the 3 s connect timeout and exit 7 naming host and port', async () => {
      const { result, ms } = await timed(() => runCli(['db', 'status'], { env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/epic` } }));
      expect(result.code).toBe(7);
      expectOneLineError(result, new RegExp(`^error: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}: `));
      expect(ms).toBeGreaterThanOrEqual(2900);
      expect(ms).toBeLessThan(8000);
    });

    it('should write the error as one JSON document on stderr and nothing on stdout when --json is given', async () => {
      const result = await runCli(['db', 'status', '--json'], { env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/epic` } });
      expect(result.code).toBe(7);
      expect(result.stdout).toBe('');
      const document = JSON.parse(result.stderr) as { error: Record<string, string> };
      expect(document).toEqual({
        error: { code: 'unavailable', message: expect.stringContaining(`127.0.0.1:${port}`), hint: expect.any(String) },
      });
    });
  });
});

describe('JSON errors', () => {
  it('should report a usage error as {"error":{"code":"usage"}} with exit 2 when a flag is unknown', async () => {
    const result = await runCli(['db', 'status', '--bogus', '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({ error: expect.objectContaining({ code: 'usage', message: expect.stringContaining('--bogus') }) });
  });

  it('should report a malformed DATABASE_URL as "unavailable" with exit 7 before connecting anywhere', async () => {
    const result = await runCli(['db', 'status', '--json'], { env: { DATABASE_URL: 'mysql://root@127.0.0.1/epic' } });
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({ error: expect.objectContaining({ code: 'unavailable', message: expect.stringContaining('DATABASE_URL') }) });
  });
});

// The embedded engine migrates itself on first use; only a server can be behind.
const onServer = serverUrl() ? describe : describe.skip;

onServer('a server whose schema is behind', () => {
  const name = `${process.env.EPICEVENTS_TEST_TEMPLATE?.replace(/_tpl$/, '')}_empty_${randomBytes(3).toString('hex')}`;
  let url = '';

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${name}`);
    url = withDatabase(serverUrl()!, name);
  });

  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('should refuse a command that needs the schema with exit 7 naming `epicevents db migrate` when nothing is migrated', async () => {
    const result = await runCli(['login', '--email', 'ada@epic.events', '--password-stdin'], { env: { DATABASE_URL: url }, stdin: 'correct-horse-battery\n' });
    expect(result.code).toBe(7);
    expectOneLineError(result, /schema is behind.*epicevents db migrate/);
  });

  it('should refuse to open the database for a command with an "unavailable" error when migrations are pending', async () => {
    const attempt = Database.openCurrent({ databaseUrl: url, dataDir: '' });
    await expect(attempt).rejects.toBeInstanceOf(CliError);
    await expect(attempt).rejects.toMatchObject({ code: 'unavailable', hint: expect.stringContaining('epicevents db migrate') });
  });

  it('should still list the pending migration with exit 0 when `db status` runs', async () => {
    const result = await runCli(['db', 'status', '--json'], { env: { DATABASE_URL: url } });
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ database: 'server', pending: MIGRATIONS.length });
  });

  it('should refuse a command with exit 7 when only the newest migration is missing', async () => {
    const behind = await createTestDatabase();
    try {
      const revert = await runCli(['db', 'revert', '--json'], { env: behind.env });
      expect(revert.json()).toMatchObject({ reverted: MIGRATIONS[MIGRATIONS.length - 1].name });
      const result = await runCli(['login', '--email', 'ada@epic.events', '--password-stdin'], { env: behind.env, stdin: 'correct-horse-battery\n' });
      expect(result.code).toBe(7);
      expectOneLineError(result, /schema is behind: 1 migration\(s\) pending.*epicevents db migrate/);
    } finally {
      await behind.close();
    }
  });
});
