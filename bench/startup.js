#!/usr/bin/env node
// Start-up benchmark: times whole processes, interleaved round by round so that machine noise
// hits every command alike, and checks which heavy modules each command loads.
//
//   npm run bench                 (builds first)
//   BENCH_ROUNDS=30 npm run bench
//   DATABASE_URL=postgres://… npm run bench   (else a throwaway database on 127.0.0.1:5432)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'epicevents.js');
const PRELOAD = path.join(__dirname, 'loaded-modules.js');
const ROUNDS = Number.parseInt(process.env.BENCH_ROUNDS ?? '15', 10);
const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Packages no start-up of these commands should pay for. */
const HEAVY = ['@sentry/node', 'inquirer', '@electric-sql/pglite', 'argon2'];

if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`BENCH_ROUNDS must be a positive whole number (got "${process.env.BENCH_ROUNDS}")`);
  process.exit(2);
}
if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm run bench`, which does)');
  process.exit(2);
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bench-'));
const baseEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  EPICEVENTS_HOME: home,
  EPICEVENTS_KEYCHAIN: 'off',
};

function run(args, env) {
  return spawnSync(process.execPath, args, { cwd: home, env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 60000 });
}

async function withDatabase(work) {
  if (process.env.DATABASE_URL) return work(process.env.DATABASE_URL, 'DATABASE_URL');
  let Client;
  try {
    ({ Client } = require('pg'));
  } catch {
    return work(undefined, 'pg is not installed');
  }
  const name = `epicevents_bench_${process.pid}`;
  const admin = new Client({ connectionString: LOCAL_SERVER, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return work(undefined, `no server at 127.0.0.1:5432 (${error.message})`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(LOCAL_SERVER);
  url.pathname = `/${name}`;
  try {
    const migrate = run([BIN, 'db', 'migrate'], { DATABASE_URL: url.toString() });
    if (migrate.status !== 0) throw new Error(`db migrate failed: ${migrate.stderr}`);
    return await work(url.toString(), `throwaway database ${name} on 127.0.0.1:5432`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timeOnce(command) {
  const started = process.hrtime.bigint();
  const result = run(command.args, command.env);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== command.expectExit) {
    throw new Error(`${command.label} exited ${result.status} (expected ${command.expectExit}): ${result.stderr || result.error}`);
  }
  return ms;
}

/** The heavy packages a command loaded, read from the preload's record. */
function heavyModulesLoaded(command) {
  const log = path.join(home, `modules-${Math.random().toString(16).slice(2)}.txt`);
  run(command.args, { ...command.env, NODE_OPTIONS: `--require "${PRELOAD}"`, EPICEVENTS_MODULE_LOG: log });
  const files = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const loaded = HEAVY.filter((name) => files.some((file) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`)));
  return { count: new Set(files).size, loaded };
}

async function main() {
  await withDatabase(async (databaseUrl, databaseNote) => {
    const commands = [
      { label: '`node -e 0`', args: ['-e', '0'], env: {}, expectExit: 0, baseline: true },
      { label: '`epicevents --help`', args: [BIN, '--help'], env: {}, expectExit: 0 },
      { label: '`epicevents help exit-codes`', args: [BIN, 'help', 'exit-codes'], env: {}, expectExit: 0 },
    ];
    if (databaseUrl) {
      commands.push({ label: '`epicevents db status`', args: [BIN, 'db', 'status'], env: { DATABASE_URL: databaseUrl }, expectExit: 0 });
    }

    for (const command of commands) timeOnce(command); // warm the file cache; not counted
    const samples = new Map(commands.map((c) => [c, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate the order each round so no command always runs first.
      for (let i = 0; i < commands.length; i += 1) {
        const command = commands[(i + round) % commands.length];
        samples.get(command).push(timeOnce(command));
      }
    }

    const baseline = median(samples.get(commands[0]));
    console.log(`\nStart-up, ${ROUNDS} rounds, Node ${process.version}, ${os.cpus().length} CPUs; database: ${databaseNote}\n`);
    console.log('| command | median ms | min ms | max ms | × `node -e 0` |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const command of commands) {
      const values = samples.get(command);
      const m = median(values);
      console.log(`| ${command.label} | ${m.toFixed(1)} | ${Math.min(...values).toFixed(1)} | ${Math.max(...values).toFixed(1)} | ${(m / baseline).toFixed(2)} |`);
    }

    console.log(`\nHeavy modules loaded (${HEAVY.join(', ')}):\n`);
    console.log('| command | modules loaded | heavy modules |');
    console.log('| --- | ---: | --- |');
    let violations = 0;
    for (const command of commands.filter((c) => !c.baseline)) {
      const { count, loaded } = heavyModulesLoaded(command);
      violations += loaded.length;
      console.log(`| ${command.label} | ${count} | ${loaded.length ? `**${loaded.join(', ')}**` : 'none'} |`);
    }
    if (!databaseUrl) console.log(`\n\`db status\` skipped: ${databaseNote}. Set DATABASE_URL to include it.`);
    if (violations > 0) {
      console.error('\nA heavy module is loaded where it is not needed: see the table above.');
      process.exitCode = 1;
    }
  });
}

main()
  .catch((error) => {
    console.error(error.stack ?? String(error));
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(home, { recursive: true, force: true }));
