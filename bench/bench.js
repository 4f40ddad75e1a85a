#!/usr/bin/env node
// The full benchmark (`npm run bench`): everyday commands timed as whole processes against
// databases of 0, 100 000 and 1 000 000 clients, contracts and events, on the local server (direct
// mode), through `epicevents serve` on that server (server mode) and on the embedded engine,
// interleaved round by round with `node -e 0` so machine noise hits every command alike. Writes
// the tables into docs/performance.md between the bench markers.
//
//   npm run bench                                   (builds first; seeds what is missing)
//   BENCH_SCALES=0,100000 BENCH_SERVER_MODE_SCALES=0 BENCH_EMBEDDED_SCALES=0 npm run bench   (quicker)
//   BENCH_ROUNDS=25 BENCH_RESEED=1 npm run bench
//   BENCH_TENANTS=0 npm run bench      (without the many-tenants database: bench/tenants.js)
//
// Seeded databases are kept and reused: epicevents_bench_0, _100k, _1m on the server
// (BENCH_SERVER, default postgres://postgres@127.0.0.1:5432/postgres) and folders under
// $TMPDIR/epicevents-bench for the embedded engine. BENCH_RESEED=1 seeds them again.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'epicevents.js');
const RSS_PRELOAD = path.join(__dirname, 'peak-rss.js');
const DOC = path.join(ROOT, 'docs', 'performance.md');
const MARK_START = '<!-- bench:start -->';
const MARK_END = '<!-- bench:end -->';
const SERVER = process.env.BENCH_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED_ROOT = path.join(os.tmpdir(), 'epicevents-bench');
const ROUNDS = wholeNumber('BENCH_ROUNDS', 15);
const RSS_RUNS = 3;
const SERVER_SCALES = scales('BENCH_SCALES', '0,100000,1000000');
const SERVER_MODE_SCALES = scales('BENCH_SERVER_MODE_SCALES', '0,1000000');
const EMBEDDED_SCALES = scales('BENCH_EMBEDDED_SCALES', '0,100000');
const KIND_TITLES = {
  server: '**PostgreSQL server, direct mode** (local, 127.0.0.1)',
  'server-mode': '**Server mode** (`epicevents serve` on the same local server; the CLI holds no database URL)',
  embedded: '**Embedded engine** (PGlite), each command opening it (`EPICEVENTS_KEEP_OPEN=0`)',
  'embedded-kept-open': '**Embedded engine, kept open** (`EPICEVENTS_KEEP_OPEN=10m`: the commands go to the process that keeps it open; peak RSS is the command\'s own)',
};
const DEMO_PASSWORD = 'demo-password-2026';
const SECRET = 'bench-secret-that-is-at-least-32-bytes-long';
const ACCOUNTS = { manager: 'claire.fontaine@epic.events', sales: 'bill.boquet@epic.events', support: 'kate.hastings@epic.events' };

function wholeNumber(name, fallback) {
  const value = process.env[name] === undefined ? fallback : Number(process.env[name]);
  if (!Number.isInteger(value) || value < 1) fail(`${name} must be a positive whole number (got "${process.env[name]}")`);
  return value;
}

function scales(name, fallback) {
  const text = process.env[name] ?? fallback;
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const value = Number(part.trim().replace(/_/g, ''));
    if (!Number.isInteger(value) || value < 0) fail(`${name} must be whole numbers separated by commas (got "${text}")`);
    return value;
  });
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

const label = (scale) => (scale >= 1e6 && scale % 1e6 === 0 ? `${scale / 1e6}m` : scale >= 1e3 && scale % 1e3 === 0 ? `${scale / 1e3}k` : String(scale));
const rowsLabel = (scale) => (scale === 0 ? '0' : scale.toLocaleString('en-US').replace(/,/g, ' '));

function cli(args, env, options = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: os.tmpdir(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off', ...env },
    encoding: 'utf8',
    input: options.input,
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (options.expectExit !== undefined && result.status !== options.expectExit) {
    throw new Error(`epicevents ${args.join(' ')} exited ${result.status} (expected ${options.expectExit}): ${result.stderr || result.error}`);
  }
  return result;
}

async function adminQuery(sql) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: SERVER, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

// Servers started by this run: stopped when it ends, Ctrl-C included, so none is left holding a port and a pool.
const servers = new Set();
process.on('exit', () => servers.forEach((child) => child.kill('SIGTERM')));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(130));
}

/** Starts `serve --port 0` of `bin` (this checkout's by default) and resolves with its URL and process once it prints `listening on`. */
function startServer(env, bin = BIN) {
  const { spawn } = require('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, EPICEVENTS_KEYCHAIN: 'off', ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    servers.add(child);
    child.on('exit', () => servers.delete(child));
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve({ url: match[1], child });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code} before listening`)));
  });
}

/**
 * Server mode: the server-kind database, served by `epicevents serve`; the commands then run with
 * EPICEVENTS_SERVER and the tokens of that database, and neither DATABASE_URL nor the secret.
 */
async function prepareServerMode(scale) {
  const setup = await prepare('server', scale);
  const { url, child } = await startServer(setup.env);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bench-home-'));
  const stop = () => {
    child.kill('SIGTERM');
    fs.rmSync(setup.env.EPICEVENTS_HOME, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  };
  return { ...setup, databaseEnv: setup.env, env: { EPICEVENTS_SERVER: url, EPICEVENTS_HOME: home }, stop };
}

function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * A database (server) or data folder (embedded) seeded at `scale`, reused when already there (and
 * with `reuse`, even under BENCH_RESEED=1: the kept-open run works on the folder just measured).
 */
async function prepare(kind, scale, { reuse = false } = {}) {
  const reseed = process.env.BENCH_RESEED === '1' && !reuse;
  const started = Date.now();
  let env;
  let fresh = false;
  if (kind === 'server') {
    const name = `epicevents_bench_${label(scale)}`;
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bench-home-'));
    env = { DATABASE_URL: withDatabase(SERVER, name), EPICEVENTS_JWT_SECRET: SECRET, EPICEVENTS_HOME: home };
    const exists = (await adminQuery(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length > 0;
    if (exists && reseed) await adminQuery(`DROP DATABASE ${name} WITH (FORCE)`);
    if (!exists || reseed) {
      await adminQuery(`CREATE DATABASE ${name}`);
      fresh = true;
    }
    // A database seeded before a new migration only needs that migration.
    cli(['db', 'migrate'], env, { expectExit: 0, timeoutMs: 30 * 60_000 });
  } else {
    const home = path.join(EMBEDDED_ROOT, `embedded-${label(scale)}`);
    if (reseed) fs.rmSync(home, { recursive: true, force: true });
    fresh = !fs.existsSync(path.join(home, 'seeded'));
    if (fresh) fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    // The config folder and, inside it, the embedded data (EPICEVENTS_DATA_DIR: otherwise the data
    // folder is this user's own, under ~/.local/share). Nothing kept open while it is prepared.
    env = { EPICEVENTS_HOME: home, EPICEVENTS_DATA_DIR: path.join(home, 'data'), EPICEVENTS_KEEP_OPEN: '0' };
  }
  let seedSeconds;
  if (fresh) {
    process.stderr.write(`seeding ${kind} at ${rowsLabel(scale)} rows…\n`);
    const seeded = cli(['db', 'seed', '--demo', '--scale', String(scale), '--json'], env, { expectExit: 0, timeoutMs: 60 * 60_000 });
    seedSeconds = JSON.parse(seeded.stdout).seconds;
    if (kind === 'embedded') fs.writeFileSync(path.join(env.EPICEVENTS_HOME, 'seeded'), `${scale}\n`);
  }
  // Tokens for the whole run (EPICEVENTS_TOKEN), so no command pays for a login or a refresh.
  const tokens = {};
  for (const [who, email] of Object.entries(ACCOUNTS)) {
    const login = cli(['login', '--email', email, '--password-stdin', '--print-token'], { ...env, EPICEVENTS_ACCESS_TTL: '12h' }, { input: `${DEMO_PASSWORD}\n`, expectExit: 0 });
    tokens[who] = login.stdout.trim();
  }
  const ids = await fixtureIds(env, tokens);
  return { env, tokens, ids, seedSeconds, prepareSeconds: (Date.now() - started) / 1000 };
}

/**
 * The embedded database kept open: the same folder, the commands with EPICEVENTS_KEEP_OPEN, so the
 * warm-up's first command starts the process the others then go to. `stop` ends it (SIGTERM) and
 * waits until it is gone, before anything opens the folder directly.
 */
async function prepareKeptOpen(scale) {
  const setup = await prepare('embedded', scale, { reuse: true });
  const dataDir = setup.env.EPICEVENTS_DATA_DIR;
  const stop = () => {
    let announced;
    try {
      announced = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8'));
    } catch {
      return;
    }
    try {
      process.kill(announced.pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 30_000;
    while (!processGone(announced.pid) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
  };
  return { ...setup, env: { ...setup.env, EPICEVENTS_KEEP_OPEN: '10m' }, stop };
}

/** Exited, or a zombie its new parent has not reaped yet (Linux's /proc tells). */
function processGone(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The records the write commands touch: the reference examples, which every seed contains. */
async function fixtureIds(env, tokens) {
  const asManager = { ...env, EPICEVENTS_TOKEN: tokens.manager };
  const kevin = JSON.parse(cli(['client', 'list', '--search', 'kevin@startup.io', '--json'], asManager, { expectExit: 0 }).stdout)[0];
  const contracts = JSON.parse(cli(['contract', 'list', '--client', String(kevin.id), '--json'], asManager, { expectExit: 0 }).stdout);
  const quick = JSON.parse(cli(['client', 'list', '--search', 'john.quick@example.org', '--json'], asManager, { expectExit: 0 }).stdout)[0];
  const events = JSON.parse(cli(['event', 'list', '--client', String(quick.id), '--json'], asManager, { expectExit: 0 }).stdout);
  const wedding = events.find((e) => e.name === 'John Quick Wedding');
  // Kevin Casey's contract, 12 000.00 due, signed here (a payment needs a signature), then paid a cent at a time.
  const unpaid = contracts.find((c) => c.amountDue !== '0.00');
  if (!unpaid.isSigned) cli(['contract', 'sign', String(unpaid.id)], asManager, { expectExit: 0 });
  return { contract: unpaid.id, event: wedding.id };
}

const CREATED_EMAIL = 'bench-%@example.com';

/** Removes the clients `client create` made, so every run lists the same data set. */
async function removeCreatedClients(kind, setup) {
  const sql = `DELETE FROM clients WHERE email LIKE '${CREATED_EMAIL}'`;
  if (kind === 'server') {
    const { Client } = require('pg');
    const client = new Client({ connectionString: setup.env.DATABASE_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
    return;
  }
  // In a child process: PGlite would add hundreds of MB to this one, which RSS readings inherit.
  const script = `
    const { PGlite } = require('@electric-sql/pglite');
    const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm');
    PGlite.create({ dataDir: process.argv[1], extensions: { pg_trgm } })
      .then(async (db) => { await db.query(${JSON.stringify(sql)}); await db.close(); });`;
  const result = spawnSync(process.execPath, ['-e', script, setup.env.EPICEVENTS_DATA_DIR], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`removing the bench's clients failed: ${result.stderr}`);
}

function commandsFor(kind, setup) {
  const as = (who) => ({ ...setup.env, EPICEVENTS_TOKEN: setup.tokens[who] });
  // Server mode's targets name these four with --json too (a script's view, without the tables' code).
  const json =
    kind === 'server-mode'
      ? [
          { label: '`whoami --json`', kind: 'read', json: true, argv: () => [BIN, 'whoami', '--json'], env: () => as('manager') },
          { label: '`client list --json`', kind: 'read', json: true, list: true, argv: () => [BIN, 'client', 'list', '--json'], env: () => as('manager') },
          { label: '`contract list --unpaid --json`', kind: 'read', json: true, list: true, argv: () => [BIN, 'contract', 'list', '--unpaid', '--json'], env: () => as('manager') },
          { label: '`event list --mine --json` (SUPPORT)', kind: 'read', json: true, list: true, argv: () => [BIN, 'event', 'list', '--mine', '--json'], env: () => as('support') },
        ]
      : [];
  // Direct mode's floor: the list's query from a bare pg script (bench/minimal-client.js).
  const floor =
    kind === 'server'
      ? [{ label: 'bare `pg` script (bench/minimal-client.js)', kind: 'floor', argv: () => [path.join(__dirname, 'minimal-client.js')], env: () => ({ DATABASE_URL: setup.env.DATABASE_URL }) }]
      : [];
  let created = 0;
  let attendees = 75;
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  return [
    { label: '`node -e 0`', baseline: true, argv: () => ['-e', '0'], env: () => ({}) },
    ...floor,
    { label: '`whoami`', kind: 'read', argv: () => [BIN, 'whoami'], env: () => as('manager') },
    { label: '`client list`', kind: 'read', list: true, argv: () => [BIN, 'client', 'list'], env: () => as('manager') },
    { label: '`client list --search casey`', kind: 'read', list: true, argv: () => [BIN, 'client', 'list', '--search', 'casey'], env: () => as('manager') },
    { label: '`contract list --unsigned --mine` (SALES)', kind: 'read', list: true, argv: () => [BIN, 'contract', 'list', '--unsigned', '--mine'], env: () => as('sales') },
    { label: '`contract list --unpaid`', kind: 'read', list: true, argv: () => [BIN, 'contract', 'list', '--unpaid'], env: () => as('manager') },
    { label: '`event list --no-support`', kind: 'read', list: true, argv: () => [BIN, 'event', 'list', '--no-support'], env: () => as('manager') },
    { label: '`event list --mine` (SUPPORT)', kind: 'read', list: true, argv: () => [BIN, 'event', 'list', '--mine'], env: () => as('support') },
    { label: '`report` (MANAGEMENT)', kind: 'read', argv: () => [BIN, 'report'], env: () => as('manager') },
    { label: '`report` (SALES)', kind: 'read', argv: () => [BIN, 'report'], env: () => as('sales') },
    { label: '`report` (SUPPORT)', kind: 'read', argv: () => [BIN, 'report'], env: () => as('support') },
    ...json,
    {
      label: '`client create` (SALES)',
      kind: 'write',
      argv: () => {
        created += 1;
        return [BIN, 'client', 'create', '--full-name', 'Bench Client', '--email', CREATED_EMAIL.replace('%', `${tag}-${created}`), '--phone', '+33612345678', '--company', 'Bench Ltd'];
      },
      env: () => as('sales'),
    },
    { label: '`contract pay`', kind: 'write', argv: () => [BIN, 'contract', 'pay', String(setup.ids.contract), '--amount', '0.01'], env: () => as('manager') },
    {
      label: '`event update`',
      kind: 'write',
      argv: () => {
        attendees = attendees === 75 ? 76 : 75;
        return [BIN, 'event', 'update', String(setup.ids.event), '--attendees', String(attendees)];
      },
      env: () => as('manager'),
    },
  ];
}

function runOnce(command, extraEnv = {}) {
  const args = command.argv();
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd: os.tmpdir(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off', ...command.env(), ...extraEnv },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.label} exited ${result.status}: ${result.stderr || result.error}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const TIME = '/usr/bin/time';

/**
 * Peak resident set size in MB, from GNU time (`apt-get install -y time`) when installed: Linux
 * carries the high-water mark across fork and exec, so a process's own maxRSS (the preload's
 * fallback) reads at least its parent's, here this script's, and GNU time is a small parent.
 */
function peakRss(command) {
  const values = [];
  for (let i = 0; i < RSS_RUNS; i += 1) {
    if (fs.existsSync(TIME)) {
      const result = spawnSync(TIME, ['-f', '%M', process.execPath, ...command.argv()], {
        cwd: os.tmpdir(),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off', ...command.env() },
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      if (result.status !== 0) throw new Error(`${command.label} exited ${result.status}: ${result.stderr}`);
      values.push(Number(result.stderr.trim().split('\n').pop()) / 1024);
      continue;
    }
    const file = path.join(os.tmpdir(), `epicevents-bench-rss-${process.pid}-${i}`);
    runOnce(command, { NODE_OPTIONS: `--require "${RSS_PRELOAD}"`, BENCH_RSS_FILE: file });
    values.push(Number(fs.readFileSync(file, 'utf8')) / 1024);
    fs.rmSync(file, { force: true });
  }
  return median(values);
}

function measure(kind, scale, setup) {
  const commands = commandsFor(kind, setup);
  for (const command of commands) runOnce(command); // warm the caches; not counted
  const samples = new Map(commands.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < commands.length; i += 1) {
      const command = commands[(i + round) % commands.length];
      samples.get(command).push(runOnce(command));
    }
  }
  const baseline = median(samples.get(commands[0]));
  return commands.map((command) => ({
    kind,
    scale,
    label: command.label,
    type: command.kind ?? 'baseline',
    list: Boolean(command.list),
    json: Boolean(command.json),
    median: median(samples.get(command)),
    ratio: median(samples.get(command)) / baseline,
    rss: peakRss(command),
  }));
}

function table(rows) {
  const lines = ['| command | rows | median ms | × `node -e 0` | peak RSS MB |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const row of rows) lines.push(`| ${row.label} | ${rowsLabel(row.scale)} | ${row.median.toFixed(0)} | ${row.ratio.toFixed(2)} | ${row.rss.toFixed(0)} |`);
  return lines.join('\n');
}

/**
 * The ratio to `node -e 0` each command may reach: direct mode's reads 3× and writes 4×; server
 * mode's reads 2× with --json and 2.5× as tables, its writes 2.5×.
 */
function ratioLimit(kind, row) {
  if (kind === 'server-mode') return row.type === 'read' && row.json ? 2 : 2.5;
  return row.type === 'read' ? 3 : 4;
}

/** The targets of the performance issues, checked against the largest scale measured. */
function targets(rows, kind) {
  const measured = [...new Set(rows.filter((r) => r.kind === kind).map((r) => r.scale))].sort((a, b) => a - b);
  if (measured.length === 0) return [];
  const top = measured[measured.length - 1];
  const at = (scale) => rows.filter((r) => r.kind === kind && r.scale === scale);
  const base = new Map(at(measured[0]).map((r) => [r.label, r]));
  const lines = [];
  for (const row of at(top).filter((r) => r.type !== 'baseline' && r.type !== 'floor')) {
    const checks = [];
    if (!kind.startsWith('embedded')) {
      const limit = ratioLimit(kind, row);
      checks.push(`${row.ratio <= limit ? 'meets' : '**misses**'} ≤ ${limit}× \`node -e 0\` (${row.ratio.toFixed(2)}×)`);
    } else if (row.type === 'read') {
      checks.push(`${row.median < 400 ? 'meets' : '**misses**'} < 0.4 s median (${(row.median / 1000).toFixed(2)} s)`);
    }
    if (row.type === 'read' && top !== measured[0]) {
      const growth = row.median / base.get(row.label).median - 1;
      let note = '';
      if (measured.length > 2) {
        // The scale below prints a full page too: the growth that is down to the data alone.
        const below = at(measured[measured.length - 2]).find((r) => r.label === row.label);
        const fromBelow = row.median / below.median - 1;
        note = `; ${fromBelow >= 0 ? '+' : ''}${(fromBelow * 100).toFixed(0)}% from ${rowsLabel(below.scale)} rows`;
      }
      checks.push(`${growth <= 0.2 ? 'meets' : '**misses**'} ≤ 20% slower than at ${rowsLabel(measured[0])} rows (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)}%${note})`);
    }
    if (kind === 'server-mode') checks.push(`${row.rss < 60 ? 'meets' : '**misses**'} peak RSS < 60 MB (${row.rss.toFixed(0)} MB)`);
    else if (row.list) checks.push(`${row.rss < 120 ? 'meets' : '**misses**'} peak RSS < 120 MB (${row.rss.toFixed(0)} MB)`);
    // The embedded engine's writes have no target of their own.
    if (checks.length) lines.push(`- ${row.label} at ${rowsLabel(top)} rows: ${checks.join('; ')}`);
  }
  return lines;
}

function cacheNote() {
  const probe = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(path.join(ROOT, 'bin', 'bundle-loader.js'))}).loadBundle().cacheRejected))`], { encoding: 'utf8' });
  if (probe.status !== 0) return 'bundle: absent (per-file build)';
  return probe.stdout === 'true' ? 'bundle: code cache **rejected** by this Node' : 'bundle with its code cache';
}

function writeDoc(rows, notes) {
  const load = os.loadavg().map((v) => v.toFixed(1)).join(' ');
  const parts = [
    MARK_START,
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\`: Node ${process.version}, ${os.cpus().length} CPUs, ${cacheNote()}, medians of ${ROUNDS} rounds, load average at the end ${load}. Peak RSS: median of ${RSS_RUNS} runs, ${fs.existsSync(TIME) ? 'GNU time' : 'maxRSS reported by the process (at least the bench\'s own)'}.`,
    '',
  ];
  for (const [kind, title] of Object.entries(KIND_TITLES)) {
    const measured = rows.filter((r) => r.kind === kind);
    if (measured.length) parts.push(`${title}:`, '', table(measured), '');
  }
  const prefixes = { server: '- ', 'server-mode': '- server mode: ', embedded: '- embedded: ', 'embedded-kept-open': '- embedded, kept open: ' };
  const checks = Object.keys(KIND_TITLES).flatMap((kind) => targets(rows, kind).map((line) => line.replace(/^- /, prefixes[kind])));
  if (checks.length) parts.push('Against the targets:', '', ...checks, '');
  if (notes.length) parts.push(...notes, '');
  parts.push(MARK_END);
  const doc = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : `# Performance\n\n${MARK_START}\n${MARK_END}\n`;
  const start = doc.indexOf(MARK_START);
  const end = doc.indexOf(MARK_END);
  if (start < 0 || end < start) fail(`${DOC} has no ${MARK_START} … ${MARK_END} markers`);
  fs.writeFileSync(DOC, doc.slice(0, start) + parts.join('\n') + doc.slice(end + MARK_END.length));
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) fail('dist/ is missing: run `npm run build` first (or `npm run bench`, which does)');
  const rows = [];
  const notes = [];
  const plan = [
    ...SERVER_SCALES.map((scale) => ['server', scale]),
    ...SERVER_MODE_SCALES.map((scale) => ['server-mode', scale]),
    ...EMBEDDED_SCALES.flatMap((scale) => [['embedded', scale], ['embedded-kept-open', scale]]),
  ];
  const prepareKind = { 'server-mode': prepareServerMode, 'embedded-kept-open': prepareKeptOpen };
  for (const [kind, scale] of plan) {
    const setup = await (prepareKind[kind] ?? ((s) => prepare(kind, s)))(scale);
    if (setup.seedSeconds !== undefined) notes.push(`Seeded ${kind === 'server' ? 'the server' : 'the embedded engine'} at ${rowsLabel(scale)} rows in ${setup.seedSeconds.toFixed(1)} s (\`db seed --demo --scale ${scale}\`).`);
    process.stderr.write(`timing ${kind} at ${rowsLabel(scale)} rows (${ROUNDS} rounds)…\n`);
    const database = { 'server-mode': 'server', 'embedded-kept-open': 'embedded' }[kind] ?? kind;
    const databaseSetup = { ...setup, env: setup.databaseEnv ?? setup.env };
    await removeCreatedClients(database, databaseSetup); // left by an interrupted run
    let measured;
    try {
      measured = measure(kind, scale, setup);
    } finally {
      setup.stop?.();
    }
    await removeCreatedClients(database, databaseSetup);
    rows.push(...measured);
    console.log(`\n${kind}, ${rowsLabel(scale)} rows\n${table(measured)}`);
    if (kind === 'server') fs.rmSync(setup.env.EPICEVENTS_HOME, { recursive: true, force: true });
  }
  if (rows.length) {
    writeDoc(rows, notes);
    console.log(`\nwritten to ${path.relative(ROOT, DOC)}`);
  }
  if (process.env.BENCH_TENANTS !== '0') {
    const tenants = require('./tenants');
    const result = await tenants.runTenantBench(module.exports);
    console.log(`\n${tenants.writeTenantDoc(module.exports, result)}\nwritten to ${path.relative(ROOT, DOC)}`);
  }
}

// bench/server.js seeds and logs in the same way; bench/tenants.js times and seeds with these.
module.exports = {
  BIN,
  SERVER,
  SECRET,
  ACCOUNTS,
  DEMO_PASSWORD,
  ROUNDS,
  DOC,
  prepare,
  startServer,
  median,
  rowsLabel,
  fail,
  wholeNumber,
  cli,
  adminQuery,
  withDatabase,
  runOnce,
};

if (require.main === module) {
  main().catch((error) => {
    console.error(error.stack ?? String(error));
    process.exitCode = 1;
  });
}
