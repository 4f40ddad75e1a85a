import fs from 'node:fs';
import path from 'node:path';
import { type CliResult, runCli, tempHome, runCommandsAsProcesses } from '../support/cli';
import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { changedTables, fingerprint } from '../support/fingerprint';
import { fillDisk, listTree, mountsAvailable, mountTmpfs, unmount } from '../support/mounts';
import { type FaultReport, writeReliabilityReport } from '../support/reliability-report';
import { holdRowLock, terminateBackends, waitForBlocked, watchRuns } from '../support/row-locks';
import { startInTerminal, tmuxAvailable } from '../support/terminal';
import { createTestDatabase, serverUrl, superuserClient, type TestDatabase } from '../support/test-database';
import { startThrowawayServer, throwawayServerAvailable } from '../support/throwaway-server';
import { initManager, login, TEST_PASSWORD, type TestUser, userFor } from '../support/users';

// The subject is the process: processes killed, interrupted or starved mid-command.
runCommandsAsProcesses();

/**
 * Faults in the middle of a command: the database connection dies while the command waits on a
 * row lock (its backend terminated by an administrator, or the whole server stopped), and Ctrl-C
 * at a prompt. Each must end with its exit code (7, 130) and one line, and leave nothing
 * half-written. The other faults are covered where their feature is tested:
 * - Sentry unreachable or silent: sentry.test.ts ("…give up on the flush within 2 s, when the DSN points at a closed port"
 *   and "…at a server that never answers");
 * - server unreachable or silent from the start: database-errors.test.ts;
 * - corrupted, empty or world-readable credentials file: auth.test.ts ("credential file");
 * - missing or too-short EPICEVENTS_JWT_SECRET against a server: auth.test.ts ("configuration");
 * - a keychain that hangs: keychain.test.ts ("…when the keychain hangs, after the 3 s bound");
 * - a config folder made read-only, a FIFO for credentials.json: config-folder.test.ts.
 */
const onServer = serverUrl() ? describe : describe.skip;
// The throwaway server needs root (PostgreSQL runs as the postgres user) and its binaries: CI has both.
const withThrowaway = serverUrl() && throwawayServerAvailable() ? describe : describe.skip;
const withTerminal = tmuxAvailable ? describe : describe.skip;

const report: FaultReport = { suite: 'faults', database: serverUrl() ? 'server' : 'embedded', finishedAt: '', durationMs: 0, faults: [] };
const startedAt = Date.now();
const faultRuns = new Map<string, { runs: number; outcome: string; halfWritten: number }>();

function tallyFault(name: string, outcome: string, halfWritten: boolean): void {
  const entry = faultRuns.get(name) ?? { runs: 0, outcome, halfWritten: 0 };
  entry.runs += 1;
  if (halfWritten) entry.halfWritten += 1;
  faultRuns.set(name, entry);
}

function expectOneLine(result: CliResult, code: number, pattern: RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
}

let db: TestDatabase;
let manager: TestUser;
let sales: TestUser & { id: number };
let supportId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
  const salesRow = await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events' });
  sales = Object.assign(userFor(db, salesRow.email), { id: salesRow.id });
  await login(sales, FACTORY_PASSWORD);
  supportId = (await insertEmployee(db, { role: 'SUPPORT', email: 'kate@epic.events' })).id;
});

afterAll(async () => {
  report.finishedAt = new Date().toISOString();
  report.durationMs = Date.now() - startedAt;
  report.faults = [
    ...[...faultRuns].map(([name, entry]) => ({ name, ...entry })),
    { name: 'Sentry unreachable (closed port) or silent (accepts, never answers)', runs: 2, outcome: 'exit 0, flush gives up within 2 s', halfWritten: 0, coveredBy: 'sentry.test.ts' },
    { name: 'server unreachable or silent from the start', runs: 3, outcome: 'exit 7 naming host and port within the 3 s connect timeout', halfWritten: 0, coveredBy: 'database-errors.test.ts' },
    { name: 'credentials file corrupted, empty or world-readable', runs: 4, outcome: 'exit 3 with a hint to log in again', halfWritten: 0, coveredBy: 'auth.test.ts' },
    { name: 'EPICEVENTS_JWT_SECRET missing or too short (server)', runs: 2, outcome: 'exit 7 naming the variable', halfWritten: 0, coveredBy: 'auth.test.ts' },
    { name: 'keychain that hangs', runs: 1, outcome: 'falls back to the file store after the 3 s bound', halfWritten: 0, coveredBy: 'keychain.test.ts' },
    { name: 'config folder made read-only before a session renewal', runs: 2, outcome: 'exit 7 naming credentials.json; the login stays valid', halfWritten: 0, coveredBy: 'config-folder.test.ts' },
    { name: 'credentials.json is a FIFO', runs: 1, outcome: 'exit 7 naming it, no wait', halfWritten: 0, coveredBy: 'config-folder.test.ts' },
  ];
  writeReliabilityReport(report);
  await db.close();
});

onServer('the connection dies while a command waits on a row lock', () => {
  /** Each command, pointed at its own fresh record, blocked on that record's row lock. */
  const commands: [name: string, prepare: () => Promise<{ table: string; id: number; user: TestUser; args: string[] }>][] = [
    [
      'contract pay',
      async () => {
        const client = await insertClient(db, { salesContactId: sales.id });
        const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, isSigned: true });
        return { table: 'contracts', id: contract.id, user: manager, args: ['contract', 'pay', String(contract.id), '--amount', '100'] };
      },
    ],
    [
      'client update',
      async () => {
        const client = await insertClient(db, { salesContactId: sales.id });
        return { table: 'clients', id: client.id, user: sales, args: ['client', 'update', String(client.id), '--company', 'Half Written SA'] };
      },
    ],
    [
      'event update --support',
      async () => {
        const client = await insertClient(db, { salesContactId: sales.id });
        const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, isSigned: true });
        const event = await insertEvent(db, { contractId: contract.id });
        return { table: 'events', id: event.id, user: manager, args: ['event', 'update', String(event.id), '--support', String(supportId)] };
      },
    ],
  ];

  it.each(commands)('should exit 7 with one line and write nothing when the backend of `%s` is terminated', async (name, prepare) => {
    const { table, id, user, args } = await prepare();
    const before = await fingerprint(db);
    const lock = await holdRowLock(db.url!, table, 'id = $1', [id]);
    try {
      const running = user.run(args, { timeoutMs: 60_000 });
      const pids = await waitForBlocked(db.url!, 1, 30_000, watchRuns([running]));
      await terminateBackends(db.url!, pids);
      const result = await running;
      expectOneLine(result, 7, /cannot reach PostgreSQL at 127\.0\.0\.1:\d+: the connection was lost/);
    } finally {
      await lock.release();
    }
    const changed = changedTables(before, await fingerprint(db));
    tallyFault('backend terminated (pg_terminate_backend) while the command waits on a row lock', 'exit 7, one line', changed.length > 0);
    expect(changed).toEqual([]);
  });
});

withThrowaway('the server stops while a command waits on a row lock', () => {
  it.each(['fast', 'immediate'] as const)('should exit 7 with one line and write nothing when the server is stopped in %s mode during `contract pay`', async (mode) => {
    const server = await startThrowawayServer();
    try {
      const env = { DATABASE_URL: server.url };
      const owner = userFor(db, 'ada@epic.events', env);
      const init = await owner.run(['init', '--first-name', 'Ada', '--last-name', 'L', '--email', 'ada@epic.events', '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` });
      expect(init.code).toBe(0);
      await login(owner, FACTORY_PASSWORD);
      const admin = superuserClient(server.url);
      await admin.connect();
      const query = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows as Record<string, unknown>[];
      const queryable = { query };
      const salesRow = await insertEmployee(queryable, { role: 'SALES' });
      const client = await insertClient(queryable, { salesContactId: salesRow.id });
      const contract = await insertContract(queryable, { clientId: client.id, salesContactId: salesRow.id, isSigned: true });
      const before = await fingerprint(queryable);
      await admin.end();

      const lock = await holdRowLock(server.url, 'contracts', 'id = $1', [contract.id]);
      const running = owner.run(['contract', 'pay', String(contract.id), '--amount', '100'], { timeoutMs: 60_000 });
      await waitForBlocked(server.url, 1, 30_000, watchRuns([running]));
      server.stop(mode);
      const result = await running;
      await lock.release();
      expectOneLine(result, 7, /cannot reach PostgreSQL at 127\.0\.0\.1:\d+/);

      server.start();
      const again = superuserClient(server.url);
      await again.connect();
      const after = await fingerprint({ query: async (sql: string) => (await again.query(sql)).rows });
      await again.end();
      const changed = changedTables(before, after);
      tallyFault(`server stopped (${mode} shutdown) while the command waits on a row lock`, 'exit 7, one line', changed.length > 0);
      expect(changed).toEqual([]);
    } finally {
      server.destroy();
    }
  });
});

withTerminal('Ctrl-C at a prompt', () => {
  it.each([
    ['at the first question', [] as string[]],
    ['after two answers', ['Kevin Casey', 'kevin@startup.io']],
  ])('should exit 130 and create no client when Ctrl-C is pressed %s of `client create`', async (_when, answers) => {
    const before = await fingerprint(db);
    const tty = await startInTerminal(['client', 'create', '--company', 'Cool Startup LLC'], sales.env);
    let code: number;
    try {
      await tty.waitFor(/full name/i);
      if (answers.length > 0) {
        tty.send(answers[0], 'Enter');
        await tty.waitFor(/email/i);
        tty.send(answers[1], 'Enter');
        await tty.waitFor(/phone/i);
      }
      tty.send('C-c');
      code = await tty.exitCode();
      expect(await tty.waitFor(/cancelled/)).not.toMatch(/\n\s+at /);
    } finally {
      tty.close();
    }
    const changed = changedTables(before, await fingerprint(db));
    tallyFault('Ctrl-C at a prompt of client create', 'exit 130', changed.length > 0);
    expect(code).toBe(130);
    expect(changed).toEqual([]);
  });
});

// A real full disk is a small tmpfs, and mounting one needs root (CI runs as root).
const withMounts = mountsAvailable() ? describe : describe.skip;

withMounts('a full disk', () => {
  it('should exit 7 naming credentials.json, and leave no temporary file, when the config folder\'s disk is full at login', async () => {
    const user = userFor(db, sales.email);
    mountTmpfs(user.home, '64k');
    try {
      fillDisk(user.home);
      const before = listTree(user.home);
      const result = await user.run(['login', '--email', sales.email, '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` });
      const left = listTree(user.home);
      tallyFault('full disk under the config folder at login', 'exit 7 naming credentials.json', JSON.stringify(left) !== JSON.stringify(before));
      expectOneLine(result, 7, new RegExp(`^error: cannot use ${path.join(user.home, 'credentials.json')}: no space left on the device`));
      expect(left).toEqual(before);
    } finally {
      unmount(user.home);
    }
  });

  it(
    'should exit 7 naming the embedded database folder when its disk is full, leave nothing behind, and open it intact once there is space',
    async () => {
      const disk = tempHome();
      mountTmpfs(disk, '96m');
      try {
        const env = { EPICEVENTS_HOME: path.join(disk, 'home'), EPICEVENTS_DATA_DIR: path.join(disk, 'home', 'data'), DATABASE_URL: undefined };
        const init = await runCli(['init', '--first-name', 'Ada', '--last-name', 'L', '--email', 'ada@epic.events', '--password-stdin'], { env, stdin: `${TEST_PASSWORD}\n` });
        expect(init.code).toBe(0);
        const filler = fillDisk(disk);
        const before = listTree(disk);
        const full = await runCli(['login', '--email', 'ada@epic.events', '--password-stdin'], { env, stdin: `${TEST_PASSWORD}\n` });
        const left = listTree(disk);
        tallyFault('full disk under the embedded database folder', 'exit 7 naming the folder', JSON.stringify(left) !== JSON.stringify(before));
        expectOneLine(full, 7, new RegExp(`^error: cannot use ${path.join(disk, 'home', 'data')}: no space left on the device`));
        expect(left).toEqual(before);

        fs.rmSync(filler);
        const again = await runCli(['login', '--email', 'ada@epic.events', '--password-stdin'], { env, stdin: `${TEST_PASSWORD}\n` });
        expect(again.code).toBe(0);
        expect((await runCli(['whoami', '--json'], { env })).json()).toMatchObject({ email: 'ada@epic.events', role: 'MANAGEMENT' });
      } finally {
        unmount(disk);
        fs.rmSync(disk, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
