#!/usr/bin/env node
// Import benchmark: `client import` through the real binary, each run into a fresh throwaway
// database on the local server. Times the import of BENCH_ROWS rows (default 100 000) and checks
// that memory stays flat: the peak RSS of importing BENCH_MEMORY_ROWS rows (default 1 000 000)
// must stay within BENCH_RSS_SLACK_MB (default 64) of the peak for BENCH_ROWS.
//
//   npm run bench:import                              (builds first)
//   BENCH_ROWS=20000 BENCH_MEMORY_ROWS=0 npm run bench:import   (timing only, quicker)
//   BENCH_SERVER=postgres://postgres@host:5432/postgres npm run bench:import
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'epicevents.js');
const PRELOAD = path.join(__dirname, 'peak-rss.js');
const SERVER = process.env.BENCH_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = wholeNumber('BENCH_ROWS', 100_000);
const MEMORY_ROWS = wholeNumber('BENCH_MEMORY_ROWS', 1_000_000);
const SLACK_MB = wholeNumber('BENCH_RSS_SLACK_MB', 64);
const PASSWORD = 'bench-password-correct-horse';
const SECRET = 'bench-secret-that-is-at-least-32-bytes-long';

function wholeNumber(name, fallback) {
  const value = process.env[name] === undefined ? fallback : Number(process.env[name]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a whole number (got "${process.env[name]}")`);
    process.exit(2);
  }
  return value;
}

if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm run bench:import`, which does)');
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bench-import-'));

/** A client file of `rows` valid lines, written as a stream (a million lines is about 80 MB). */
async function writeCsv(file, rows) {
  const out = fs.createWriteStream(file);
  const write = async (text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('full_name,email,phone,company_name\r\n');
  let chunk = '';
  for (let i = 0; i < rows; i += 1) {
    // Every tenth company needs quotes: the parser's slower path is measured too.
    const company = i % 10 === 0 ? `"Company, ${i} ""and sons"""` : `Company ${i}`;
    chunk += `Client ${i},client-${i}@example.com,+336${String(10_000_000 + (i % 90_000_000))},${company}\r\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'close');
}

function cli(args, env, stdin) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env, input: stdin, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`epicevents ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result;
}

/** A fresh migrated database with a logged-in SALES employee; returns their environment. */
function freshDatabase(name) {
  const { Client } = require('pg');
  return {
    async open() {
      const admin = new Client({ connectionString: SERVER, connectionTimeoutMillis: 3000 });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(SERVER);
      url.pathname = `/${name}`;
      const home = fs.mkdtempSync(path.join(work, 'home-'));
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NO_COLOR: '1',
        DATABASE_URL: url.toString(),
        EPICEVENTS_HOME: home,
        EPICEVENTS_KEYCHAIN: 'off',
        EPICEVENTS_JWT_SECRET: SECRET,
      };
      cli(['db', 'migrate'], env);
      cli(['init', '--first-name', 'Ada', '--last-name', 'Lovelace', '--email', 'ada@epic.events', '--password-stdin'], env, `${PASSWORD}\n`);
      cli(['login', '--email', 'ada@epic.events', '--password-stdin'], env, `${PASSWORD}\n`);
      cli(['employee', 'create', '--first-name', 'Bill', '--last-name', 'Boquet', '--email', 'bill@epic.events', '--role', 'SALES', '--password-stdin'], env, `${PASSWORD}\n`);
      cli(['login', '--email', 'bill@epic.events', '--password-stdin'], env, `${PASSWORD}\n`);
      return { env, url: url.toString() };
    },
    async count(url) {
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT count(*)::int AS n FROM clients');
      await client.end();
      return rows[0].n;
    },
    async drop() {
      const admin = new Client({ connectionString: SERVER });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Imports a file of `rows` lines into a fresh database; returns seconds, rows/s and peak RSS. */
async function importRun(rows) {
  const file = path.join(work, `clients-${rows}.csv`);
  await writeCsv(file, rows);
  const database = freshDatabase(`epicevents_bench_import_${process.pid}`);
  const { env, url } = await database.open();
  const rssFile = path.join(work, `rss-${rows}`);
  try {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', PRELOAD, BIN, 'client', 'import', file], {
      env: { ...env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'close');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new Error(`client import exited with ${code}: ${stderr}`);
    const imported = await database.count(url);
    if (imported !== rows) throw new Error(`expected ${rows} clients, found ${imported}`);
    return { rows, seconds, rowsPerSecond: rows / seconds, peakRssMb: Number(fs.readFileSync(rssFile, 'utf8')) / 1024, fileMb: fs.statSync(file).size / 2 ** 20 };
  } finally {
    fs.rmSync(file, { force: true });
    await database.drop();
  }
}

const format = (run) =>
  `${String(run.rows).padStart(9)} rows  ${run.fileMb.toFixed(1).padStart(6)} MB file  ${run.seconds.toFixed(2).padStart(7)} s  ` +
  `${Math.round(run.rowsPerSecond).toLocaleString('en').padStart(8)} rows/s  peak RSS ${run.peakRssMb.toFixed(1).padStart(6)} MB`;

async function main() {
  console.log(`client import through the real binary, each run into a fresh database at ${new URL(SERVER).host}`);
  const runs = [];
  for (const rows of [ROWS, MEMORY_ROWS].filter((n) => n > 0)) {
    const run = await importRun(rows);
    runs.push(run);
    console.log(format(run));
  }
  let failed = false;
  if (runs.length === 2) {
    const growth = runs[1].peakRssMb - runs[0].peakRssMb;
    failed = growth > SLACK_MB;
    console.log(
      `memory: ${runs[1].rows / runs[0].rows}x the rows, peak RSS ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB ` +
        `(limit +${SLACK_MB} MB): ${failed ? 'NOT FLAT' : 'flat'}`,
    );
  }
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error.message);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
