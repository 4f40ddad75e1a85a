#!/usr/bin/env node
// Login timing benchmark: does a wrong password for a known email take as long as any password for
// an unknown one? (If not, timing tells which emails have an account.) Medians of BENCH_ROUNDS
// attempts of each kind (default 40), interleaved so that machine noise hits both alike, in a
// throwaway database on the local server:
//   - through the real binary (`epicevents login`, a new process each time: what an attacker sees);
//   - through the login service in one process (the verification alone, without process start-up).
// The lockout counter is reset before each known-email attempt, outside the timed part.
//
//   npm run bench:login-timing                        (builds first)
//   BENCH_ROUNDS=100 npm run bench:login-timing
//   BENCH_SERVER=postgres://postgres@host:5432/postgres npm run bench:login-timing
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'epicevents.js');
const SERVER = process.env.BENCH_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const PASSWORD = 'bench-password-correct-horse';
const WRONG = 'a-wrong-password-2026';
const SECRET = 'bench-secret-that-is-at-least-32-bytes-long';
const KNOWN = 'ada@epic.events';
const UNKNOWN = 'nobody@epic.events';

if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`BENCH_ROUNDS must be a positive whole number (got "${process.env.BENCH_ROUNDS}")`);
  process.exit(2);
}
if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm run bench:login-timing`, which does)');
  process.exit(2);
}

const { Client } = require('pg');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bench-login-'));
const name = `epicevents_bench_login_${process.pid}`;

async function admin(sql) {
  const client = new Client({ connectionString: SERVER, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function cli(args, env, stdin) {
  return spawnSync(process.execPath, [BIN, ...args], { env, input: stdin, encoding: 'utf8', timeout: 60_000 });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const msSince = (started) => Number(process.hrtime.bigint() - started) / 1e6;

function line(label, known, unknown) {
  const k = median(known);
  const u = median(unknown);
  return `${label.padEnd(8)} known email ${k.toFixed(1).padStart(7)} ms   unknown email ${u.toFixed(1).padStart(7)} ms   unknown − known ${(u - k).toFixed(1).padStart(6)} ms   ratio ${(u / k).toFixed(3)}`;
}

async function main() {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    DATABASE_URL: url.toString(),
    EPICEVENTS_HOME: work,
    EPICEVENTS_KEYCHAIN: 'off',
    EPICEVENTS_JWT_SECRET: SECRET,
  };
  const db = new Client({ connectionString: url.toString() });
  let service;
  try {
    for (const args of [['db', 'migrate'], ['init', '--first-name', 'Ada', '--last-name', 'Lovelace', '--email', KNOWN, '--password-stdin']]) {
      const result = cli(args, env, `${PASSWORD}\n`);
      if (result.status !== 0) throw new Error(`epicevents ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    await db.connect();
    const unlock = () => db.query('UPDATE employees SET failed_login_count = 0, locked_until = NULL');

    console.log(`login with a wrong password, ${ROUNDS} rounds, medians (database at ${url.host})`);
    const binary = { known: [], unknown: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which kind goes first, so neither always runs on a warmer machine.
      const order = round % 2 ? [UNKNOWN, KNOWN] : [KNOWN, UNKNOWN];
      for (const email of order) {
        await unlock();
        const started = process.hrtime.bigint();
        const result = cli(['login', '--email', email, '--password-stdin'], env, `${WRONG}\n`);
        const ms = msSince(started);
        if (result.status !== 3) throw new Error(`login of ${email} exited ${result.status}: ${result.stderr}`);
        binary[email === KNOWN ? 'known' : 'unknown'].push(ms);
      }
    }
    console.log(line('binary', binary.known, binary.unknown));

    const { Database } = require(path.join(ROOT, 'dist', 'src', 'database', 'database.js'));
    const { login } = require(path.join(ROOT, 'dist', 'src', 'auth', 'session.service.js'));
    // Scoped to the tenant `default`, as the CLI opens it: a failed login writes an audit entry there.
    service = await Database.open({ databaseUrl: url.toString(), dataDir: '', scope: { tenant: 'default' } });
    const settings = { secret: SECRET, accessTtlSeconds: 900, refreshTtlSeconds: 3600 };
    const inProcess = { known: [], unknown: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 ? [UNKNOWN, KNOWN] : [KNOWN, UNKNOWN];
      for (const email of order) {
        await unlock();
        const started = process.hrtime.bigint();
        const refused = await login(service, email, WRONG, settings).then(
          () => false,
          (error) => error.code === 'unauthenticated',
        );
        const ms = msSince(started);
        if (!refused) throw new Error(`login of ${email} was not refused as unauthenticated`);
        inProcess[email === KNOWN ? 'known' : 'unknown'].push(ms);
      }
    }
    console.log(line('service', inProcess.known, inProcess.unknown));
  } finally {
    if (service) await service.close();
    await db.end().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
