// A private PgBouncer in transaction pooling mode, in front of a PostgreSQL server, for the tests
// of a server behind a pooler: its own folder, port and config, stopped and removed at the end.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PgBouncer {
  port: number;
  urlFor(user: string, password: string, database: string): string;
  /** PgBouncer's log so far. */
  log(): string;
  stop(): Promise<void>;
}

/** The pgbouncer program (Debian's package puts it in /usr/sbin), or undefined. */
export function pgbouncerBinary(): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    const file = path.join(dir, 'pgbouncer');
    if (dir && fs.existsSync(file)) return file;
  }
  return undefined;
}

/** PgBouncer refuses to run as root: as root, it runs as `postgres`, which owns its folder. */
const asRoot = () => process.getuid?.() === 0;

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

// The global setup's, which is plain JavaScript.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freePort } = require('./postgres-cluster.js') as { freePort(): Promise<number> };

/**
 * Starts PgBouncer in transaction mode before the server of `serverUrl` (host and port), letting
 * in `users` ({ name: password }) with SCRAM; `poolSize` server connections per user and database,
 * so that many clients' transactions take turns on few sessions. Resolves to
 * its port, the URL of a user and database through it, and stop().
 */
export async function startPgBouncer({ serverUrl, users, poolSize = 2 }: { serverUrl: string; users: Record<string, string>; poolSize?: number }): Promise<PgBouncer> {
  const bin = pgbouncerBinary();
  if (!bin) throw new Error('pgbouncer is not installed (Debian: apt-get install pgbouncer)');
  const server = new URL(serverUrl);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-pgbouncer-'));
  const port = await freePort();
  const quote = (text: string) => `"${String(text).replace(/"/g, '""')}"`;
  fs.writeFileSync(path.join(dir, 'userlist.txt'), Object.entries(users).map(([name, password]) => `${quote(name)} ${quote(password)}\n`).join(''));
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 500',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  if (asRoot()) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const args = [path.join(dir, 'pgbouncer.ini')];
  const child = asRoot() ? spawn('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'ignore' }) : spawn(bin, args, { stdio: 'ignore' });
  const log = () => (fs.existsSync(path.join(dir, 'pgbouncer.log')) ? fs.readFileSync(path.join(dir, 'pgbouncer.log'), 'utf8') : '');
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM: PgBouncer's immediate shutdown. Sent to its own pid, which runuser may not pass a signal to.
      const pidFile = path.join(dir, 'pgbouncer.pid');
      const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : (child.pid as number);
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let waited = 0; !(await answers(port)); waited += 100) {
    if (child.exitCode !== null || waited > 10_000) {
      const output = log();
      await stop();
      throw new Error(`pgbouncer did not start on 127.0.0.1:${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    urlFor: (user: string, password: string, database: string) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    log,
    stop,
  };
}
