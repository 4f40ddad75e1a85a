// A private PostgreSQL cluster in a temporary folder, made and run with the machine's own
// PostgreSQL binaries: for `npm test` on a machine that has them but no TEST_DATABASE_URL
// (scripts/test.js), and for the tests that stop a server under a command (throwaway-server.ts).
// Plain JavaScript: the test runner uses it before anything is compiled.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** Where initdb and pg_ctl are: the newest /usr/lib/postgresql/N/bin (Debian), else the PATH. */
function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to and runs as `postgres`. */
const asRoot = () => process.getuid?.() === 0;

/** A port nothing listens on right now (asked from the kernel, so not one of its ephemeral ports in use). */
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Makes and starts a cluster (trust authentication, user postgres, fsync off: its data is thrown
 * away); resolves to { url, stop(mode), start(), destroy() }. destroy() stops it and removes the folder.
 */
async function startCluster({ maxConnections = 40 } = {}) {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql or on the PATH');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'log');
  if (asRoot()) execFileSync('chown', ['postgres:postgres', dir]);
  const run = (program, args) =>
    asRoot()
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args], { stdio: 'pipe', timeout: 60_000 })
      : execFileSync(path.join(bin, program), args, { stdio: 'pipe', timeout: 60_000 });
  let port = 0;
  const start = () =>
    run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${maxConnections}`, '-l', log, '-w', '-t', '30', 'start']);
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    // Another process may take the port between asking and binding: try a few.
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      try {
        start();
        break;
      } catch (error) {
        if (attempt >= 5) throw new Error(`${error.message}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`, { cause: error });
      }
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: (mode) => run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']),
    start,
    destroy: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { freePort, postgresBinDir, startCluster };
