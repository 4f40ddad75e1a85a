import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCli, runCommandsAsProcesses } from '../support/cli';
import { alive, type Announced, announced, listening, until } from '../support/kept-open';
import { startServer } from '../support/server';
import { startInTerminal, tmuxAvailable } from '../support/terminal';

// The subject is the process that keeps the embedded database open between commands: every
// command here is the real binary, on a folder of its own.
runCommandsAsProcesses();

const DEMO_PASSWORD = 'demo-password-2026';

interface Folders {
  home: string;
  data: string;
  env: Record<string, string | undefined>;
}

function folders(keepOpen: string | undefined): Folders {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-keep-'));
  const home = path.join(root, 'home');
  const data = path.join(root, 'data');
  return { home, data, env: { EPICEVENTS_HOME: home, EPICEVENTS_DATA_DIR: data, EPICEVENTS_KEEP_OPEN: keepOpen } };
}

/** The demo data in a new embedded database, and its SALES account logged in: both commands open the folder themselves or go through the kept-open process. */
async function seededAndLoggedIn(f: Folders): Promise<void> {
  const seed = await runCli(['db', 'seed', '--demo', '--scale', '0'], { env: f.env });
  expect([seed.code, seed.stderr]).toEqual([0, '']);
  const login = await runCli(['login', '--email', 'bill.boquet@epic.events', '--password-stdin'], { env: f.env, stdin: `${DEMO_PASSWORD}\n` });
  expect(login.code).toBe(0);
}

/** The connections made to a Unix socket that its listener has not accepted yet (Linux's own table). */
function queuedConnections(socket: string): number {
  // Path-named entries but the listener's (flag 00010000): the queued ones are unconnected, inode 0.
  const entries = fs.readFileSync('/proc/net/unix', 'utf8').split('\n').filter((line) => line.endsWith(` ${socket}`));
  return entries.filter((line) => line.trim().split(/\s+/)[6] === '0').length;
}

/** A socket file at `socket` that nothing listens on: what a process killed while listening leaves. */
function deadSocket(socket: string): void {
  const made = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  expect(made.signal).toBe('SIGKILL');
  expect(fs.statSync(socket).isSocket()).toBe(true);
}

/** A port of this machine that nothing listens on (free a moment ago). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a command that waited for the folder's lock may say: that one quiet line, or nothing. */
const WAIT_NOTE = 'the embedded database is in use by another epicevents process; waiting for it to finish\n';

const stopped: number[] = [];
afterAll(() => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** The kept-open process of `f` once it listens, killed after the suite if a test leaves it running. */
async function serving(f: Folders): Promise<Announced> {
  const server = await listening(f.data);
  stopped.push(server.pid);
  return server;
}

describe('the embedded database kept open between commands', () => {
  it('should serve the next commands on its socket after a command opened the folder, and stop by itself once idle', async () => {
    const f = folders('6s');
    await seededAndLoggedIn(f);
    const server = await serving(f);
    expect(server).toMatchObject({ keptOpen: true, socket: path.join(f.data, 'server.sock') });
    // Only this user may reach it: the socket and the folder it is in are theirs alone.
    expect(fs.statSync(path.join(f.data, 'server.sock')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(f.data).mode & 0o777).toBe(0o700);

    const created = await runCli(['client', 'create', '--full-name', 'Kept Open', '--email', 'kept@example.com', '--phone', '+33123456789', '--company', 'Kept Ltd', '--json'], { env: f.env });
    expect(created.code).toBe(0);
    const whoami = await runCli(['whoami', '--json'], { env: f.env });
    expect(whoami.code).toBe(0);
    expect(whoami.json()).toMatchObject({ email: 'bill.boquet@epic.events', server: `unix:${path.join(f.data, 'server.sock')}` });
    // The requests reached it (its log, one JSON line per request).
    const log = fs.readFileSync(path.join(f.data, 'server.log'), 'utf8');
    expect(log).toMatch(/"route":"\/v1\/clients","status":201/);

    // Nothing for 6 s: it closes the database, removes its file and exits.
    await until('the idle process to exit', () => !alive(server.pid), 30_000);
    expect(announced(f.data)).toBeUndefined();
    // The next command opens the folder itself and finds what the kept-open process wrote.
    const list = await runCli(['client', 'list', '--json'], { env: { ...f.env, EPICEVENTS_KEEP_OPEN: '0' } });
    expect(list.code).toBe(0);
    expect(list.json<{ fullName: string }[]>().map((c) => c.fullName)).toContain('Kept Open');
    expect(announced(f.data)).toBeUndefined();
  }, 120_000);

  it('should make way for a command that opens the folder itself (`db status`), and be started again after it', async () => {
    const f = folders('2m');
    await seededAndLoggedIn(f);
    const first = await listening(f.data);
    stopped.push(first.pid);
    const status = await runCli(['db', 'status', '--json'], { env: f.env });
    expect(status.code).toBe(0);
    expect(status.json()).toMatchObject({ database: 'embedded', pending: 0 });
    expect(alive(first.pid)).toBe(false);
    const second = await listening(f.data);
    stopped.push(second.pid);
    expect(second.pid).not.toBe(first.pid);
    process.kill(second.pid, 'SIGTERM');
    await until('the process to stop on SIGTERM', () => !alive(second.pid));
  }, 120_000);

  it('should be ignored once killed, and when started by another build (an upgrade), be replaced', async () => {
    const f = folders('2m');
    await seededAndLoggedIn(f);
    const killed = await listening(f.data);
    process.kill(killed.pid, 'SIGKILL');
    await until('the killed process to be gone', () => !alive(killed.pid));
    // Its file and socket are left behind: the dead pid and the free lock give them away.
    const afterKill = await runCli(['whoami', '--json'], { env: f.env });
    expect(afterKill.code).toBe(0);
    expect(afterKill.json<{ server: string | null }>().server).toBeNull();

    const old = await listening(f.data);
    stopped.push(old.pid);
    fs.writeFileSync(path.join(f.data, 'server.json'), JSON.stringify({ ...old, build: 'an earlier build' }));
    const afterUpgrade = await runCli(['whoami', '--json'], { env: f.env });
    expect(afterUpgrade.code).toBe(0);
    expect(afterUpgrade.json<{ server: string | null }>().server).toBeNull();
    expect(alive(old.pid)).toBe(false);
    const replacement = await listening(f.data);
    stopped.push(replacement.pid);
    expect(replacement.build).not.toBe('an earlier build');
    process.kill(replacement.pid, 'SIGTERM');
  }, 120_000);

  it('should let commands that arrive together while it starts all succeed, in turns', async () => {
    const f = folders('2m');
    await seededAndLoggedIn(f);
    // Right after the login: the kept-open process may still be opening the database.
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => runCli(['client', 'create', '--full-name', `Client ${n}`, '--email', `c${n}@example.com`, '--phone', '+33123456789', '--company', 'Together Ltd', '--json'], { env: f.env })),
    );
    expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, ''], [0, '']]);
    const list = await runCli(['client', 'list', '--json'], { env: f.env });
    expect(list.json<{ fullName: string }[]>().map((c) => c.fullName).filter((name) => name.startsWith('Client ')).sort()).toEqual(['Client 1', 'Client 2', 'Client 3', 'Client 4']);
    const server = await serving(f);
    process.kill(server.pid, 'SIGTERM');
  }, 120_000);

  (tmuxAvailable ? it : it.skip)('should start, by default, after a command run at a terminal', async () => {
    const f = folders(undefined);
    await seededAndLoggedIn(f);
    expect(announced(f.data)).toBeUndefined();
    // EPICEVENTS_KEEP_OPEN empty: as if unset (the terminal helper sets 0 for the other tests).
    const terminal = await startInTerminal(['client', 'list'], { EPICEVENTS_HOME: f.home, EPICEVENTS_DATA_DIR: f.data, EPICEVENTS_KEEP_OPEN: '' });
    try {
      expect(await terminal.exitCode()).toBe(0);
    } finally {
      terminal.close();
    }
    const server = await serving(f);
    // Five minutes: the command line it was started with says so.
    expect(fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['serve', '--keep-open', '300s']));
    process.kill(server.pid, 'SIGTERM');
  }, 120_000);

  it('should start nothing for a command whose output is not a terminal unless EPICEVENTS_KEEP_OPEN asks, nor with 0', async () => {
    for (const keepOpen of [undefined, '0']) {
      const f = folders(keepOpen);
      await seededAndLoggedIn(f);
      expect(announced(f.data)).toBeUndefined();
      expect(fs.existsSync(path.join(f.data, 'server.log'))).toBe(false);
    }
  }, 120_000);
});

describe('a kept-open process that cannot be reached', () => {
  it('should have the command open the folder itself when its socket is gone or nothing listens there, and be started again after it', async () => {
    const f = folders('2m');
    await seededAndLoggedIn(f);
    const socket = path.join(f.data, 'server.sock');
    for (const breakSocket of [() => fs.rmSync(socket), () => (fs.rmSync(socket), deadSocket(socket))]) {
      const server = await serving(f);
      breakSocket();
      // Nothing was sent: direct mode, which waits for the folder while the process, which cannot
      // be reached or asked any more, notices its socket is gone and stops.
      const whoami = await runCli(['whoami', '--json'], { env: f.env });
      expect(whoami.code).toBe(0);
      expect(whoami.stderr).toMatch(/^(the embedded database is in use by another epicevents process; waiting for it to finish\n)?$/);
      expect(whoami.json()).toMatchObject({ email: 'bill.boquet@epic.events', server: null });
      await until('the process to make way', () => !alive(server.pid));
      const next = await listening(f.data);
      expect(next.pid).not.toBe(server.pid);
    }
    const server = await serving(f);
    const served = await runCli(['whoami', '--json'], { env: f.env });
    expect(served.json()).toMatchObject({ server: `unix:${socket}` });
    process.kill(server.pid, 'SIGTERM');
  }, 120_000);

  it('should let every command started around its idle stop succeed, each write applied once', async () => {
    const f = folders('1s');
    await seededAndLoggedIn(f);
    const create = (name: string, n: number) =>
      runCli(['client', 'create', '--full-name', name, '--email', `around${n}@example.com`, '--phone', '+33123456789', '--company', 'Around Ltd', '--json'], { env: f.env });
    const names: string[] = [];
    const results: { code: number | null; stderr: string }[] = [];
    // Rounds of four commands started 20 ms apart, each round about when the process stops for
    // 1 s without a command: each reaches it, or finds it gone and opens the folder itself.
    for (let round = 0; round < 8; round += 1) {
      await pause(850 + round * 25);
      const burst = [0, 1, 2, 3].map(async (k) => {
        const n = round * 4 + k;
        names.push(`Around ${n}`);
        await pause(k * 20);
        return create(`Around ${n}`, n);
      });
      for (const created of await Promise.all(burst)) results.push({ code: created.code, stderr: created.stderr });
    }
    expect(results.filter((r) => r.code !== 0 || (r.stderr !== '' && r.stderr !== WAIT_NOTE))).toEqual([]);
    const list = await runCli(['client', 'list', '--json', '--limit', '100'], { env: { ...f.env, EPICEVENTS_KEEP_OPEN: '0' } });
    expect(list.code).toBe(0);
    expect(list.json<{ fullName: string }[]>().map((c) => c.fullName).filter((name) => name.startsWith('Around ')).sort()).toEqual([...names].sort());
    const last = announced(f.data);
    if (last && alive(last.pid)) stopped.push(last.pid);
  }, 240_000);

  it('should serve to its end a command that connected before it was asked to stop', async () => {
    const f = folders('2m');
    await seededAndLoggedIn(f);
    const server = await serving(f);
    const socket = path.join(f.data, 'server.sock');
    // Stopped, it accepts nothing: the command's connection waits in the socket's queue, its request sent.
    process.kill(server.pid, 'SIGSTOP');
    const command = runCli(['client', 'create', '--full-name', 'Queued Client', '--email', 'queued@example.com', '--phone', '+33123456789', '--company', 'Queue Ltd', '--json'], { env: f.env });
    try {
      await until('the command to connect', () => queuedConnections(socket) > 0);
    } finally {
      // Asked to stop, then running again: it removes its socket, then serves what connected before.
      process.kill(server.pid, 'SIGTERM');
      process.kill(server.pid, 'SIGCONT');
    }
    const created = await command;
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    await until('the process to stop', () => !alive(server.pid));
    expect(fs.readFileSync(path.join(f.data, 'server.log'), 'utf8')).toMatch(/"route":"\/v1\/clients","status":201/);
    expect(fs.existsSync(socket)).toBe(false);
    const list = await runCli(['client', 'list', '--json'], { env: { ...f.env, EPICEVENTS_KEEP_OPEN: '0' } });
    expect(list.json<{ fullName: string }[]>().filter((c) => c.fullName === 'Queued Client')).toHaveLength(1);
  }, 120_000);

  it('should not send a command elsewhere once it reached one that does not answer (stopped), and serve again once it runs', async () => {
    const f = folders('2m');
    await seededAndLoggedIn(f);
    const server = await serving(f);
    const socket = path.join(f.data, 'server.sock');
    process.kill(server.pid, 'SIGSTOP');
    let hung;
    try {
      hung = await runCli(['whoami'], { env: f.env });
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    // The request was sent: exit 7 naming the process, not the folder opened behind its back.
    expect({ code: hung.code, stdout: hung.stdout }).toEqual({ code: 7, stdout: '' });
    expect(hung.stderr.trim().split('\n')).toEqual([
      `error: cannot reach the epicevents server at unix:${socket}: no answer within 4 s (it is the process that keeps the embedded database open (its pid is in server.json beside the socket): if it hangs, end it, and the next command opens the database itself)`,
    ]);
    const again = await runCli(['whoami', '--json'], { env: f.env });
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(again.json()).toMatchObject({ server: `unix:${socket}` });
    process.kill(server.pid, 'SIGTERM');
  }, 120_000);

  it('should never pass over a server someone started or named: exit 7 when it cannot be reached', async () => {
    const f = folders('0');
    await seededAndLoggedIn(f);
    const port = await freePort();
    // A `serve` someone started on the folder, whose file names an address where nothing answers.
    const env = { EPICEVENTS_HOME: f.home, EPICEVENTS_DATA_DIR: f.data };
    const server = await startServer({ env }, { env, startTimeoutMs: 60_000 });
    try {
      fs.writeFileSync(path.join(f.data, 'server.json'), JSON.stringify({ ...announced(f.data), url: `http://127.0.0.1:${port}` }));
      const refused = await runCli(['whoami'], { env: f.env });
      expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 7, stdout: '' });
      expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^error: cannot reach the epicevents server at http://127\\.0\\.0\\.1:${port}: connection refused`))]);
    } finally {
      await server.stop();
    }
    // `login --server` naming nothing, with a kept-open process ready on the folder: not used either.
    const keptOpen = { ...f.env, EPICEVENTS_KEEP_OPEN: '2m' };
    expect((await runCli(['whoami'], { env: keptOpen })).code).toBe(0);
    const ready = await listening(f.data);
    stopped.push(ready.pid);
    const login = await runCli(['login', '--server', `http://127.0.0.1:${port}`, '--email', 'bill.boquet@epic.events', '--password-stdin'], { env: keptOpen, stdin: `${DEMO_PASSWORD}\n` });
    expect({ code: login.code, stdout: login.stdout }).toEqual({ code: 7, stdout: '' });
    expect(login.stderr).toMatch(new RegExp(`^error: cannot reach the epicevents server at http://127\\.0\\.0\\.1:${port}: connection refused`));
    process.kill(ready.pid, 'SIGTERM');
  }, 120_000);
});

describe('bad settings of the kept-open process', () => {
  it.each([
    ['EPICEVENTS_KEEP_OPEN that is not a duration', [], { EPICEVENTS_KEEP_OPEN: 'forever' }, 7, /^error: EPICEVENTS_KEEP_OPEN must be 0 or a duration up to 24h, like 90s, 30m or 2h \(got "forever"\)/],
    ['EPICEVENTS_KEEP_OPEN over a day', [], { EPICEVENTS_KEEP_OPEN: '2d' }, 7, /EPICEVENTS_KEEP_OPEN must be 0 or a duration up to 24h/],
    ['serve --keep-open 0', ['serve', '--keep-open', '0'], {}, 2, /--keep-open must be a duration from 1s to 24h, like 90s, 30m or 2h \(got "0"\)/],
    ['serve --keep-open with --port', ['serve', '--keep-open', '5m', '--port', '9000'], {}, 2, /--keep-open serves this machine's commands on the data folder's socket: it takes no --port/],
    ['serve --keep-open with DATABASE_URL', ['serve', '--keep-open', '5m'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' }, 2, /--keep-open keeps the embedded database open; with DATABASE_URL there is none to keep/],
  ] as [string, string[], Record<string, string>, number, RegExp][])('should refuse %s with one line and its exit code', async (_case, args, env, code, message) => {
    const f = folders(undefined);
    const result = await runCli(args.length ? args : ['client', 'list'], { env: { ...f.env, ...env } });
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(fs.existsSync(f.data)).toBe(false);
  });
});
