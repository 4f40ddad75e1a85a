import { type ChildProcess, type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Readable, type Writable } from 'node:stream';
import { embeddedDatabaseLockName } from '../../src/config/embedded-server';
import { acquireProcessLock, type ProcessLock } from '../../src/config/process-lock';
import { processEnv, runCli, runCommandsAsProcesses } from '../support/cli';
import { alive, type Announced, announced, listening, until } from '../support/kept-open';

// What a hostile neighbour or a folder in a strange state can do to the process that keeps the
// embedded database open between commands (server.json, server.sock, the folder's lock). Every
// command here is the real binary; the "attacker" is this test process, with real files, sockets
// and processes. Tests marked `failing` document a behaviour that is still wrong (see each comment).
runCommandsAsProcesses();

const BIN = path.resolve(__dirname, '../../bin/epicevents.js');
const DEMO_PASSWORD = 'demo-password-2026';

interface Folders {
  root: string;
  home: string;
  data: string;
  env: Record<string, string | undefined>;
}

const announcementFile = (f: Folders) => path.join(f.data, 'server.json');

function announce(f: Folders, content: Announced): void {
  fs.writeFileSync(announcementFile(f), JSON.stringify(content));
}

const started: ChildProcess[] = [];
const leftPids: number[] = [];
afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
  for (const pid of leftPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A process of this user that has nothing to do with epicevents (what a reused pid points to). */
function unrelatedProcess(): ChildProcess {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  started.push(child);
  return child;
}

/** A command running in the background, its output readable while it runs. */
interface Running {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startCli(args: string[], env: Record<string, string | undefined>, stdin = '', { detached = false } = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: processEnv(env), stdio: ['pipe', 'pipe', 'pipe'], detached });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin);
  const done = new Promise<Awaited<Running['done']>>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, stderr: () => stderr, done };
}

const WAITING_NOTE = 'the embedded database is in use by another epicevents process; waiting for it to finish';

/** A server that is not ours, recording what the client sends it (the headers and the body). */
interface Trap {
  address: string | number;
  received: { method?: string; url?: string; authorization?: string; body: string }[];
  close: () => Promise<void>;
}

function trap(listenOn: { port: 0 } | { socket: string }): Promise<Trap> {
  const received: Trap['received'] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body });
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"trap"}}');
    });
  });
  return new Promise((resolve) => {
    const ready = () => {
      const address = server.address() as AddressInfo | string;
      if (typeof address === 'string') fs.chmodSync(address, 0o777);
      resolve({ address: typeof address === 'string' ? address : address.port, received, close: () => new Promise<void>((done) => server.close(() => done())) });
    };
    if ('socket' in listenOn) server.listen(listenOn.socket, ready);
    else server.listen(0, '127.0.0.1', ready);
  });
}

/** The folder's lock, as a direct command holding the database (or anyone who can name it) holds it. */
async function holdLock(f: Folders): Promise<ProcessLock> {
  const lock = await acquireProcessLock(embeddedDatabaseLockName(f.data), { timeoutMs: 10_000 });
  if (!lock) throw new Error('the folder lock is taken');
  return lock;
}

/** The kept-open process of the folder started by hand (what a command starts when it ends). */
function startKeptOpen(f: Folders): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'serve', '--keep-open', '2m'], { env: processEnv(f.env), stdio: 'ignore' });
  started.push(child);
  return child;
}

/** Stopped, and gone (a command that opened the folder after it may have started another: that one too). */
async function stopped(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await until('the kept-open process to stop', () => child.exitCode !== null || child.signalCode !== null);
  const next = announced(victim.data);
  if (next?.keptOpen && alive(next.pid)) {
    process.kill(next.pid, 'SIGTERM');
    await until('the next kept-open process to stop', () => !alive(next.pid));
  }
}

let victim: Folders;
/** The build id of this CLI, as its own kept-open process writes it (a forged file needs it to be used). */
let build: string;

beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-attack-'));
  victim = { root, home: path.join(root, 'home'), data: path.join(root, 'data'), env: { EPICEVENTS_HOME: path.join(root, 'home'), EPICEVENTS_DATA_DIR: path.join(root, 'data'), EPICEVENTS_KEEP_OPEN: '0' } };
  const seed = await runCli(['db', 'seed', '--demo', '--scale', '0'], { env: victim.env });
  expect([seed.code, seed.stderr]).toEqual([0, '']);
  // The login starts a real kept-open process: the build it announces is the one forged files copy.
  const login = await runCli(['login', '--email', 'bill.boquet@epic.events', '--password-stdin'], { env: { ...victim.env, EPICEVENTS_KEEP_OPEN: '2m' }, stdin: `${DEMO_PASSWORD}\n` });
  expect(login.code).toBe(0);
  const real = await listening(victim.data);
  leftPids.push(real.pid);
  build = real.build!;
  process.kill(real.pid, 'SIGTERM');
  await until('the kept-open process to stop', () => !alive(real.pid));
  expect(announced(victim.data)).toBeUndefined();
}, 120_000);

afterEach(() => {
  fs.rmSync(announcementFile(victim), { recursive: true, force: true });
  fs.chmodSync(victim.data, 0o700);
});

/** The stored session's access token (direct mode's, which the kept-open process accepts). */
const storedAccessToken = () => (JSON.parse(fs.readFileSync(path.join(victim.home, 'credentials.json'), 'utf8')) as { accessToken: string }).accessToken;

/**
 * Runs a command while the folder's lock is held (as by the real process the file names), then lets
 * the lock go once the command waits for it, reached the trap, or ended.
 */
async function runWhileLocked(args: string[], traps: Trap[], stdin = '') {
  const before = traps.map((t) => t.received.length);
  const lock = await holdLock(victim);
  const command = startCli(args, victim.env, stdin);
  let ended = false;
  void command.done.then(() => (ended = true));
  try {
    await until('the command to wait, reach the trap or end', () => ended || command.stderr().includes(WAITING_NOTE) || traps.some((t, i) => t.received.length > before[i]));
  } finally {
    await lock.release();
  }
  return command.done;
}

describe('server.json naming a server that is not the kept-open process of this folder', () => {
  // Found by this suite and fixed: the session token, and `login`'s password, went to whatever
  // server.json named. Now (runningEmbeddedServer, src/config/embedded-server.ts) the file is read
  // only in a folder no other user may write, never through a symbolic link, and the kept-open
  // process is only ever reached at <data folder>/server.sock, a socket of this user's, whatever
  // path the file gives. A `url` in a private folder is still used: only this user can write it
  // (a `serve` of theirs on the embedded database announces itself so).
  it.each([
    ['a socket outside the folder, through `..`', 'socket'],
    ['a TCP address, from a symlinked server.json', 'symlink'],
    ['a TCP address, in a folder that other users can write', 'loose folder'],
  ])('should send neither the token nor the password to %s', async (_case, kind) => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-other-'));
    const bystander = unrelatedProcess();
    const server = await trap(kind === 'socket' ? { socket: path.join(outside, 'evil.sock') } : { port: 0 });
    try {
      const forged: Announced =
        kind === 'socket'
          ? { pid: bystander.pid!, socket: `${victim.data}/../${path.relative(victim.root, outside)}/evil.sock`, keptOpen: true, build }
          : { pid: bystander.pid!, url: `http://127.0.0.1:${server.address}` };
      if (kind === 'symlink') {
        fs.writeFileSync(path.join(outside, 'server.json'), JSON.stringify(forged));
        fs.symlinkSync(path.join(outside, 'server.json'), announcementFile(victim));
      } else {
        announce(victim, forged);
      }
      if (kind === 'loose folder') fs.chmodSync(victim.data, 0o777);

      const whoami = await runWhileLocked(['whoami', '--json'], [server]);
      const login = await runWhileLocked(['login', '--email', 'bill.boquet@epic.events', '--password-stdin'], [server], `${DEMO_PASSWORD}\n`);
      expect(server.received).toEqual([]);
      if (kind === 'loose folder') expect(whoami.stderr).toMatch(/can be written by other users/);
      expect(login.stderr).not.toMatch(/trap|answered 500/);
    } finally {
      await server.close();
    }
  });
});

/** Root can play another user of the machine (nobody) with setpriv; others skip those tests. */
const canActAsAnotherUser = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
const NOBODY = 65534;

describe('another user of the machine', () => {
  // Found and fixed: a data folder owned by another user was refused by direct mode, yet its
  // server.json was trusted. Now the same check comes before reading it.
  (canActAsAnotherUser ? it : it.skip)("should not send the token to the server named in a folder that another user owns", async () => {
    const bystander = unrelatedProcess();
    const server = await trap({ port: 0 });
    try {
      announce(victim, { pid: bystander.pid!, url: `http://127.0.0.1:${server.address}` });
      fs.chownSync(victim.data, NOBODY, NOBODY);
      const whoami = await runWhileLocked(['whoami', '--json'], [server]);
      expect(server.received).toEqual([]);
      expect(whoami.stderr).toMatch(/can be written by other users/);
    } finally {
      fs.chownSync(victim.data, process.getuid!(), process.getgid!());
      await server.close();
    }
  });

  // FINDING (medium): on Linux the folder's lock is an abstract socket named after the folder's
  // device and inode (lockAddress, src/config/process-lock.ts). Abstract sockets have no owner or
  // permissions: any user who can stat the folder (a home folder of mode 0755, the common default)
  // takes the lock first, and the user's commands wait 60 s, then fail (exit 7). Holding it also
  // satisfies runningEmbeddedServer's "the lock is taken" check that the attacks above rely on.
  // Expected: a lock other users cannot name, e.g. the abstract name also derived from a random
  // value kept in the private data folder, or a socket file inside that folder.
  (canActAsAnotherUser ? it.failing : it.skip)("should not be held up by another user's process taking the folder's lock", async () => {
    fs.chmodSync(victim.root, 0o755);
    const processLock = path.resolve(__dirname, '../../dist/src/config/process-lock.js');
    const embeddedServer = path.resolve(__dirname, '../../dist/src/config/embedded-server.js');
    const script = `require(${JSON.stringify(processLock)}).acquireProcessLock(require(${JSON.stringify(embeddedServer)}).embeddedDatabaseLockName(process.argv[1]), { timeoutMs: 5000 }).then((lock) => { console.log(lock ? 'held' : 'busy'); setInterval(() => {}, 1000); })`;
    const squatter = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', script, victim.data], { stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(squatter);
    try {
      let said = '';
      squatter.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
      await until("the other user's process to take the lock", () => said.includes('held'));
      const command = startCli(['client', 'list', '--json'], victim.env);
      let ended = false;
      void command.done.then(() => (ended = true));
      await until('the command to wait or end', () => ended || command.stderr().includes(WAITING_NOTE));
      squatter.kill('SIGKILL');
      const result = await command.done;
      expect([result.code, result.stderr]).toEqual([0, '']);
    } finally {
      squatter.kill('SIGKILL');
      fs.chmodSync(victim.root, 0o700);
    }
  });
  // FINDING (high): ensurePrivateDir (src/config/config.ts) refuses a data folder other users can
  // write, but accepts one they can read and enter (0755: what `mkdir` makes with the usual umask,
  // for EPICEVENTS_DATA_DIR). PGlite writes most of the database's files 0666 and its folders
  // 0755, so the folder's mode is their only protection: another user then reads the catalog and
  // writes into the files (here PG_VERSION). Expected: the data folder refused, or made 0700, when
  // `mode & 0o077`; and the embedded database's files written under umask 077.
  // Fixed: the data folder is made 0700 when it is opened (ensureDataDir, src/config/config.ts).
  (canActAsAnotherUser ? it : it.skip)('should not leave the database open to another user in a data folder of mode 0755', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-open-'));
    fs.chmodSync(root, 0o755);
    const data = path.join(root, 'data');
    fs.mkdirSync(data, { mode: 0o755 });
    fs.chmodSync(data, 0o755);
    const seed = await runCli(['db', 'seed', '--demo', '--scale', '0'], { env: { EPICEVENTS_HOME: path.join(root, 'home'), EPICEVENTS_DATA_DIR: data, EPICEVENTS_KEEP_OPEN: '0' } });
    const tamper = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'sh', '-c', `echo tampered >> ${JSON.stringify(path.join(data, 'PG_VERSION'))}`]);
    expect({ seed: seed.code === 0 || /other users/.test(seed.stderr), tampered: tamper.status === 0 }).toEqual({ seed: true, tampered: false });
  });
});

describe('a data folder path with control characters', () => {
  // Guard: an escape sequence and a newline in the folder's path reach neither the terminal nor
  // the log raw; the kept-open process works there all the same.
  it('should start and serve the kept-open process, and show its socket without raw control characters', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-ctl-'));
    const data = path.join(root, 'a\u001b[31mred\nline');
    const env = { EPICEVENTS_HOME: path.join(root, 'home'), EPICEVENTS_DATA_DIR: data, EPICEVENTS_KEEP_OPEN: '0' };
    const seed = await runCli(['db', 'seed', '--demo', '--scale', '0'], { env });
    expect(seed.code).toBe(0);
    const login = await runCli(['login', '--email', 'bill.boquet@epic.events', '--password-stdin'], { env: { ...env, EPICEVENTS_KEEP_OPEN: '1m' }, stdin: `${DEMO_PASSWORD}\n` });
    expect(login.code).toBe(0);
    const f = { root, home: env.EPICEVENTS_HOME, data, env };
    const server = await listening(f.data);
    leftPids.push(server.pid);
    try {
      const whoami = await runCli(['whoami'], { env });
      expect(whoami.code).toBe(0);
      expect(whoami.stdout + whoami.stderr).not.toContain('\u001b');
      // One line, the newline in the path shown as something else.
      expect(whoami.stdout.trim().split('\n').find((line) => line.startsWith('server'))).toMatch(/^server +unix:.*red.*line\/server\.sock$/);
    } finally {
      process.kill(server.pid, 'SIGTERM');
      await until('the kept-open process to stop', () => !alive(server.pid));
    }
    // Its log is JSON lines: the path, wherever it appears, is escaped there.
    for (const line of fs.readFileSync(path.join(data, 'server.log'), 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('server.json in a strange state', () => {
  // Guards: a file that cannot be a kept-open process's is ignored, and the command works directly.
  it.each([
    ['invalid JSON', () => fs.writeFileSync(announcementFile(victim), '{"pid":')],
    ['a FIFO (reading it would block)', () => spawnSync('mkfifo', [announcementFile(victim)])],
    ['a folder', () => fs.mkdirSync(announcementFile(victim))],
    ['JSON without a pid', () => fs.writeFileSync(announcementFile(victim), JSON.stringify({ socket: path.join(victim.data, 'server.sock'), keptOpen: true, build }))],
    ['a huge file (8 MB of spaces)', () => fs.writeFileSync(announcementFile(victim), `{"pid":${process.pid}${' '.repeat(8 << 20)}`)],
    ['a dead pid with a socket left behind', () => announce(victim, { pid: 2 ** 22 + 1, socket: path.join(victim.data, 'server.sock'), keptOpen: true, build })],
  ] as [string, () => void][])('should ignore %s and work directly', async (_case, make) => {
    make();
    const whoami = await runCli(['whoami', '--json'], { env: victim.env });
    expect([whoami.code, whoami.stderr]).toEqual([0, '']);
    expect(whoami.json()).toMatchObject({ email: 'bill.boquet@epic.events', server: null });
  });
});

describe('a pid in server.json that is not the kept-open process', () => {
  // FINDING (high): a kept-open process killed by SIGKILL (or a crash, an OOM kill) leaves its
  // server.json; once its pid is reused, a command that finds the folder's lock taken (another
  // command working) sends SIGTERM to that pid: stopKeptOpenServer (src/config/embedded-server.ts)
  // trusts the file's pid, and processAlive counts EPERM as alive. Expected: signal only a process
  // proven to be this folder's kept-open process (ask it over <data>/server.sock to stop, rather
  // than kill a pid), and never one of another user.
  // Fixed: a kept-open process is asked to stop over its socket (POST /v1/kept-open/stop), never signalled.
  it('should never signal an unrelated process named by a stale file', async () => {
    const bystander = unrelatedProcess();
    // Left by a kept-open process killed while it was starting (no socket yet).
    announce(victim, { pid: bystander.pid!, keptOpen: true, build });
    const lock = await holdLock(victim);
    const command = startCli(['client', 'list', '--json'], victim.env);
    try {
      await until('the command to wait for the lock, or the bystander to be killed', () => command.stderr().includes(WAITING_NOTE) || !alive(bystander.pid!));
    } finally {
      await lock.release();
    }
    const result = await command.done;
    expect(result.code).toBe(0);
    expect(alive(bystander.pid!)).toBe(true);
  });

  // FINDING (high): the pid is any number: 0 signals the command's own process group (its
  // pipeline, the script that ran it), -1 every process of the user (all processes, for root).
  // Only pid 0 is tried here, on a command in a process group of its own. Expected: a pid that is
  // a positive integer, and then only a process proven to be the kept-open one (as above).
  // Fixed: a pid must be a positive integer, and no pid is signalled anyway.
  it('should never signal its own process group for a file that names pid 0', async () => {
    announce(victim, { pid: 0, keptOpen: true, build });
    const lock = await holdLock(victim);
    const command = startCli(['client', 'list', '--json'], victim.env, '', { detached: true });
    let ended = false;
    void command.done.then(() => (ended = true));
    try {
      await until('the command to wait for the lock or end', () => ended || command.stderr().includes(WAITING_NOTE));
    } finally {
      await lock.release();
    }
    const result = await command.done;
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
  });

  // FINDING (medium): the same stale file with its socket named, while another command holds the
  // lock: the command goes to the dead socket and fails ("cannot reach the epicevents server at
  // unix:…/server.sock … check … EPICEVENTS_SERVER"), where it should wait for the lock like any
  // command. Expected: runningEmbeddedServer / the connection treats a socket nobody listens on as
  // no server (direct mode), without signalling the pid.
  // Fixed: a socket nobody listens on is no server; the command waits for the lock.
  it('should wait for the lock, not fail, when the file names a live unrelated pid and a socket nobody listens on', async () => {
    const bystander = unrelatedProcess();
    announce(victim, { pid: bystander.pid!, socket: path.join(victim.data, 'server.sock'), keptOpen: true, build });
    const lock = await holdLock(victim);
    const command = startCli(['client', 'list', '--json'], victim.env);
    let ended = false;
    void command.done.then(() => (ended = true));
    try {
      await until('the command to wait or end', () => ended || command.stderr().includes(WAITING_NOTE));
    } finally {
      await lock.release();
    }
    const result = await command.done;
    expect([result.code, result.stderr.replace(`${WAITING_NOTE}\n`, '')]).toEqual([0, '']);
    expect(alive(bystander.pid!)).toBe(true);
  });
});

describe('races with the kept-open process', () => {
  // FINDING (medium): a command that started waiting for the lock before the kept-open process
  // was announced (commands run together, one ends and starts it) asks for the folder only once,
  // at its first wait (lockEmbedded's onWait, src/database/database.ts). When the kept-open process
  // then takes the lock first, nobody asks it to make way: the command fails after 60 s ("still in
  // use by another epicevents process"). Four `client list` run together with
  // EPICEVENTS_KEEP_OPEN=2m, no kept-open process yet: one or two failed so in 6 tries of 7; made certain here by pausing the waiting command while the kept-open
  // process takes the lock. Expected: while waiting, ask a kept-open process named in the folder to
  // stop whenever one appears (each retry), not only at the first wait.
  // Fixed: a waiting command asks at every retry, not only at its first wait.
  it('should let a command already waiting for the lock through once a kept-open process takes it', async () => {
    const lock = await holdLock(victim);
    const command = startCli(['client', 'list', '--json'], victim.env);
    let keptOpen: ChildProcess | undefined;
    try {
      await until('the command to wait for the lock', () => command.stderr().includes(WAITING_NOTE));
      command.child.kill('SIGSTOP');
      keptOpen = startKeptOpen(victim);
    } finally {
      await lock.release();
    }
    await until('the kept-open process to take the lock and listen', () => announced(victim.data)?.socket && announced(victim.data)!.pid === keptOpen!.pid);
    command.child.kill('SIGCONT');
    const result = await command.done;
    await stopped(keptOpen);
    expect(result.code).toBe(0);
  }, 120_000);

  // Guard: commands arriving while the kept-open process stops (SIGTERM) all succeed, through it
  // or directly after it.
  it('should let commands that arrive while it stops all succeed', async () => {
    const keptOpen = startKeptOpen(victim);
    await until('the kept-open process to listen', () => announced(victim.data)?.pid === keptOpen.pid && announced(victim.data)?.socket);
    const commands = [1, 2, 3, 4].map(() => startCli(['client', 'list', '--json'], victim.env));
    keptOpen.kill('SIGTERM');
    const results = await Promise.all(commands.map((c) => c.done));
    await stopped(keptOpen);
    expect(results.map((r) => [r.code, r.stderr.replace(`${WAITING_NOTE}\n`, '')])).toEqual([[0, ''], [0, ''], [0, ''], [0, '']]);
  });
});

describe("the kept-open process's environment and log", () => {
  /** Starts a kept-open process the way a command does, with EPICEVENTS_TOKEN set; its pid. */
  async function keptOpenStartedWithToken(token: string): Promise<number> {
    const list = await runCli(['client', 'list', '--json'], { env: { ...victim.env, EPICEVENTS_TOKEN: token, EPICEVENTS_KEEP_OPEN: '1m' } });
    expect(list.code).toBe(0);
    const server = await listening(victim.data);
    leftPids.push(server.pid);
    return server.pid;
  }

  async function stop(pid: number): Promise<void> {
    process.kill(pid, 'SIGTERM');
    await until('the kept-open process to stop', () => !alive(pid));
  }

  // FINDING (low): startKeptOpenServer (src/config/embedded-server.ts) hands the whole environment
  // of the command that started it to a process that lives up to 24 h: EPICEVENTS_TOKEN (and any
  // other secret of that shell) stays in its memory and /proc/PID/environ long after the command
  // ended. The server needs none of the client's credentials. Expected: EPICEVENTS_TOKEN (and
  // EPICEVENTS_SERVER, EPICEVENTS_TENANT) left out of `env` in startKeptOpenServer.
  // Fixed: EPICEVENTS_TOKEN, EPICEVENTS_SERVER and EPICEVENTS_TENANT are not passed on.
  (process.platform === 'linux' ? it : it.skip)('should not hold the EPICEVENTS_TOKEN of the command that started it', async () => {
    const token = storedAccessToken();
    const pid = await keptOpenStartedWithToken(token);
    try {
      expect(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).not.toContain(`EPICEVENTS_TOKEN=${token}`);
    } finally {
      await stop(pid);
    }
  });

  // Guard: its log (server.log, one line per request) holds neither the token nor a password.
  it('should log neither the token nor the password of the requests it serves', async () => {
    const token = storedAccessToken();
    const pid = await keptOpenStartedWithToken(token);
    try {
      const login = await runCli(['login', '--email', 'bill.boquet@epic.events', '--password-stdin'], { env: victim.env, stdin: `${DEMO_PASSWORD}\n` });
      expect(login.code).toBe(0);
      const whoami = await runCli(['whoami', '--json'], { env: { ...victim.env, EPICEVENTS_TOKEN: token } });
      expect(whoami.json()).toMatchObject({ server: `unix:${path.join(victim.data, 'server.sock')}` });
    } finally {
      await stop(pid);
    }
    const log = fs.readFileSync(path.join(victim.data, 'server.log'), 'utf8');
    expect(log).toMatch(/"route":"\/v1\/auth\/login"/);
    expect(log).not.toContain(DEMO_PASSWORD);
    expect(log).not.toContain(token);
    expect(log).not.toContain(storedAccessToken());
    // Nothing of it is readable by other users.
    expect(fs.statSync(path.join(victim.data, 'server.log')).mode & 0o077).toBe(0);
  });
});
