import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL server of its own, for tests that stop a server in the middle of a command: the
 * shared server of the test run must never be stopped. Needs the PostgreSQL binaries and root
 * (the server runs as the `postgres` user, which refuses root): what CI has.
 */
export interface ThrowawayServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  stop(mode: 'fast' | 'immediate'): void;
  start(): void;
  destroy(): void;
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

export const throwawayServerAvailable = (): boolean => process.getuid?.() === 0 && binDir() !== undefined;

/** A port nothing listens on right now (asked from the kernel, so not one of its ephemeral ports in use). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startThrowawayServer(): Promise<ThrowawayServer> {
  const bin = binDir();
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'log');
  execFileSync('chown', ['postgres:postgres', dir]);
  const asPostgres = (program: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args], { stdio: 'pipe', timeout: 60_000 });
  let port = 0;
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`, '-l', log, '-w', '-t', '30', 'start']);
  try {
    asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    // Another process may take the port between asking and binding: try a few.
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      try {
        start();
        break;
      } catch (error) {
        if (attempt >= 5) throw new Error(`${(error as Error).message}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`, { cause: error });
      }
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: (mode) => asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']),
    start,
    destroy: () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
