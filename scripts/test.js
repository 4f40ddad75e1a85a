#!/usr/bin/env node
// `npm test`: says which database engine the integration tests use and how long to expect, builds,
// runs Jest (arguments are passed on: `npm test -- test/unit`), and prints the summary line
// `N passed, N failed` last, exiting with Jest's status.
//
// The engine: the server of TEST_DATABASE_URL when it is set; else a private PostgreSQL cluster
// made in a temporary folder from the machine's PostgreSQL binaries, when there are any (stopped
// and removed at the end, Ctrl-C included); else the embedded engine (PGlite), which needs nothing.
// EPICEVENTS_TEST_ENGINE=embedded uses the embedded engine even where PostgreSQL is installed.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { postgresBinDir, startCluster } = require('../test/support/postgres-cluster.js');

const ROOT = path.resolve(__dirname, '..');

// What the first line announces, for a 2-core machine, from whole runs (build included): on a
// server, 12 minutes of Jest on a fresh clone in CI (the CLI suites run a second time through a
// server); embedded, 10 minutes in all while a full run on the server shared the machine.
const EXPECTED = { server: '13 minutes', cluster: '13 minutes', embedded: '10 minutes' };

function chooseEngine() {
  const asked = process.env.EPICEVENTS_TEST_ENGINE;
  if (asked !== undefined && asked !== '' && asked !== 'embedded') {
    fail(`EPICEVENTS_TEST_ENGINE=${asked} is not an engine: set it to embedded, or leave it unset to choose by what the machine has`);
  }
  if (process.env.TEST_DATABASE_URL) return 'server';
  if (asked === 'embedded') return 'embedded';
  return postgresBinDir() ? 'cluster' : 'embedded';
}

function fail(message, status = 2) {
  process.stderr.write(`npm test: ${message}\n`);
  process.exit(status);
}

function announce(engine) {
  const where = {
    server: 'the PostgreSQL server of TEST_DATABASE_URL',
    cluster: `a private PostgreSQL cluster made with ${postgresBinDir()} (EPICEVENTS_TEST_ENGINE=embedded for the embedded engine)`,
    embedded: 'the embedded engine (PGlite; no PostgreSQL needed)',
  }[engine];
  process.stdout.write(`npm test: integration tests on ${where}; about ${EXPECTED[engine]} on 2 cores, build included\n`);
}

function build() {
  // Under npm, the same npm that runs this script; run by hand, the one on the PATH.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const result = spawnSync(npm[0], [...npm.slice(1), 'run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail(`the build failed (exit ${result.status ?? result.signal}); no test ran`, result.status || 1);
}

async function main() {
  const engine = chooseEngine();
  announce(engine);
  build();

  const env = { ...process.env };
  let cluster;
  if (engine === 'cluster') {
    cluster = await startCluster();
    env.TEST_DATABASE_URL = cluster.url;
  }
  // The tests' own `N passed, N failed` line comes here, to be printed after everything else.
  const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-test-')), 'summary');
  env.EPICEVENTS_TEST_SUMMARY = summaryFile;
  const cleanUp = () => {
    cluster?.destroy();
    cluster = undefined;
    fs.rmSync(path.dirname(summaryFile), { recursive: true, force: true });
  };
  process.on('exit', cleanUp);

  const jest = spawn(process.execPath, ['--experimental-vm-modules', path.join(ROOT, 'node_modules/jest/bin/jest.js'), ...process.argv.slice(2)], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  // Ctrl-C reaches Jest too (same process group); a signal sent to this process alone is passed on.
  // Either way, this process waits for Jest to end, then removes the cluster.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => jest.kill(signal));
  const { code, signal } = await new Promise((resolve) => jest.on('close', (c, s) => resolve({ code: c, signal: s })));
  const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8').trim() : '';
  cleanUp();
  const status = code ?? 128 + (os.constants.signals[signal] ?? 0);
  process.stdout.write(`\n${summary || `the tests did not run to completion (exit ${status})`}\n`);
  process.exitCode = summary ? status : status || 1;
}

main().catch((error) => fail(error.message.split('\n')[0], 1));
