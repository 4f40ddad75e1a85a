#!/usr/bin/env node
// The server's benchmark (`npm run bench:server`): a real `epicevents serve` process on a seeded
// database of the local PostgreSQL, driven by autocannon from this process on the same machine.
// Each load runs BENCH_SERVER_ROUNDS times, interleaved with `GET /healthz` (no database) as the
// baseline, and the medians are reported with their ratio to it. Writes the table into
// docs/performance.md between the bench-server markers.
//
//   npm run bench:server                                   (1 000 000 rows, seeded when missing)
//   BENCH_SERVER_SCALE=100000 BENCH_SERVER_ROUNDS=3 BENCH_SERVER_SECONDS=5 npm run bench:server
//   BENCH_SERVER_BEFORE=<git ref> npm run bench:server      (also that commit's server, built in a
//                                                            temporary folder, each load interleaved
//                                                            on both: before/after in one run)
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { BIN, prepare, startServer, median, rowsLabel, fail, wholeNumber } = require('./bench');

const ROOT = path.resolve(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'performance.md');
const MARK_START = '<!-- bench-server:start -->';
const MARK_END = '<!-- bench-server:end -->';
const SCALE = Number(process.env.BENCH_SERVER_SCALE ?? 1_000_000);
const ROUNDS = wholeNumber('BENCH_SERVER_ROUNDS', 3);
const SECONDS = wholeNumber('BENCH_SERVER_SECONDS', 10);
const CONNECTIONS = 32;
const DEMO_PASSWORD = 'demo-password-2026';
const BEFORE = process.env.BENCH_SERVER_BEFORE;

/** The bin of `ref`'s build: its tree in a temporary folder, this checkout's node_modules, `npm run build`. */
function buildBefore(ref) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bench-before-'));
  const archive = execFileSync('git', ['-C', ROOT, 'archive', ref], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync('tar', ['-x', '-C', dir], { input: archive, maxBuffer: 1 << 30 });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  process.stderr.write(`building ${ref} in ${dir}…\n`);
  execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return { dir, bin: path.join(dir, 'bin', 'epicevents.js') };
}

/** The server's peak RSS so far, in MB (Linux: VmHWM of /proc/PID/status). */
function peakRssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function post(url, body, token) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function writeDoc(rows, rss) {
  const load = os.loadavg().map((n) => n.toFixed(1)).join(', ');
  const lines = [
    MARK_START,
    `\`npm run bench:server\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${rowsLabel(SCALE)} rows of each, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s each (medians), load average at the end ${load}:`,
    '',
    '| server | load | requests/s | × `GET /healthz` | p99 latency | non-2xx |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.server} | ${r.label} | ${Math.round(r.rps)} | ${r.ratio.toFixed(3)} | ${r.p99} ms | ${r.non2xx} |`),
    '',
    `Peak RSS of the server process over the whole run: ${rss.map((r) => `${r.mb.toFixed(0)} MB (${r.server})`).join(', ')}.`,
    MARK_END,
  ];
  const doc = fs.readFileSync(DOC, 'utf8');
  const start = doc.indexOf(MARK_START);
  const end = doc.indexOf(MARK_END);
  const block = lines.join('\n');
  fs.writeFileSync(DOC, start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + MARK_END.length) : `${doc.trimEnd()}\n\n## The server under load\n\n${block}\n`);
}

async function main() {
  if (!Number.isInteger(SCALE) || SCALE < 0) fail(`BENCH_SERVER_SCALE must be a whole number (got "${process.env.BENCH_SERVER_SCALE}")`);
  const before = BEFORE ? buildBefore(BEFORE) : undefined;
  const setup = await prepare('server', SCALE);
  const servers = [];
  try {
    const builds = [...(before ? [{ name: `before (${BEFORE})`, bin: before.bin }] : []), { name: before ? 'after (working tree)' : 'working tree', bin: BIN }];
    for (const build of builds) {
      const { url, child } = await startServer({ ...setup.env, EPICEVENTS_DB_POOL: '20' }, build.bin);
      servers.push({ name: build.name, child });
      const session = await post(`${url}/v1/auth/login`, { email: 'claire.fontaine@epic.events', password: DEMO_PASSWORD });
      const auth = { authorization: `Bearer ${session.accessToken}` };
      servers[servers.length - 1].loads = [
        { label: '`GET /healthz` (baseline)', options: { url: `${url}/healthz` } },
        { label: '`GET /v1/clients?limit=50`', options: { url: `${url}/v1/clients?limit=50`, headers: auth } },
        {
          label: '`POST /v1/contracts/{id}/payments` (0.01 each)',
          options: { url: `${url}/v1/contracts/${setup.ids.contract}/payments`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ amount: '0.01' }) },
        },
      ];
    }
    // Round by round, each load on each server in turn: machine noise hits both alike.
    const samples = new Map();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let i = 0; i < servers[0].loads.length; i += 1) {
        for (const server of servers) {
          const entry = server.loads[i];
          process.stderr.write(`round ${round + 1}/${ROUNDS}: ${server.name} ${entry.label}\n`);
          const key = `${server.name}\n${entry.label}`;
          if (!samples.has(key)) samples.set(key, []);
          samples.get(key).push(await load(entry.options));
        }
      }
    }
    const rows = servers.flatMap((server) => {
      const baseline = median(samples.get(`${server.name}\n${server.loads[0].label}`).map((r) => r.requests.average));
      return server.loads.map((entry) => {
        const results = samples.get(`${server.name}\n${entry.label}`);
        const rps = median(results.map((r) => r.requests.average));
        return { server: server.name, label: entry.label, rps, ratio: rps / baseline, p99: median(results.map((r) => r.latency.p99)), non2xx: results.reduce((n, r) => n + r.non2xx, 0) };
      });
    });
    const rss = servers.map((server) => ({ server: server.name, mb: peakRssMb(server.child.pid) }));
    for (const row of rows) console.log(`${row.server}: ${row.label}: ${Math.round(row.rps)} req/s (${row.ratio.toFixed(3)} × healthz), p99 ${row.p99} ms, non-2xx ${row.non2xx}`);
    for (const r of rss) console.log(`${r.server}: server peak RSS ${r.mb.toFixed(0)} MB`);
    console.log(`load average ${os.loadavg().map((n) => n.toFixed(1)).join(', ')}`);
    writeDoc(rows, rss);
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
    fs.rmSync(setup.env.EPICEVENTS_HOME, { recursive: true, force: true });
    if (before) fs.rmSync(before.dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exitCode = 1;
});
