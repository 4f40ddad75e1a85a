import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ProcessLock {
  release(): Promise<void>;
}

export interface ProcessLockOptions {
  /** Give up (resolve undefined) after this long. */
  timeoutMs: number;
  /** Called each time the lock is found taken: at the first try, then at every retry. */
  onWait?: () => void;
}

const RETRY_MS = 50;

/**
 * Where the lock lives. On Linux an abstract socket and on Windows a named pipe: the kernel frees
 * them when the holder exits, even after a crash or SIGKILL, so no lock is ever left behind.
 * Elsewhere a socket file in the temporary folder; one whose holder is gone is removed.
 */
function lockAddress(name: string): string {
  const id = createHash('sha256').update(name).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return `\0epicevents-${id}`;
  if (process.platform === 'win32') return `\\\\?\\pipe\\epicevents-${id}`;
  return path.join(os.tmpdir(), `epicevents-${id}.lock`);
}

/**
 * The lock name for a folder: the folder itself (its device and inode), not the path given, so
 * processes reaching it by different paths (a symlink, a relative path, a bind mount) take the same
 * lock. A folder that does not exist has no other path leading to it yet: its absolute path names it.
 */
export function folderLockName(purpose: string, dir: string): string {
  try {
    const { dev, ino } = fs.statSync(dir, { bigint: true });
    return `${purpose}:${dev}:${ino}`;
  } catch {
    return `${purpose}:${path.resolve(dir)}`;
  }
}

/**
 * An exclusive lock, by name, across the processes of this machine, held until `release()` or the
 * process ends. Used where two `epicevents` processes must not work at once: on the embedded
 * database (PGlite admits one process per data folder) and when renewing a stored session.
 */
export async function acquireProcessLock(name: string, options: ProcessLockOptions): Promise<ProcessLock | undefined> {
  const address = lockAddress(name);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const server = await tryListen(address);
    if (server) {
      return { release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    }
    if (Date.now() >= deadline) return undefined;
    options.onWait?.();
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS + Math.random() * RETRY_MS));
  }
}

function tryListen(address: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    // Connections are only ever probes from a waiting process: close them at once.
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') return reject(error);
      if (address.startsWith('\0') || address.startsWith('\\\\')) return resolve(undefined);
      removeIfAbandoned(address).then(() => resolve(undefined), reject);
    });
    server.listen(address, () => {
      // The lock must not keep the process alive on its own.
      server.unref();
      resolve(server);
    });
  });
}

/** A socket file nobody listens on any more (its holder crashed): remove it, the next try takes it. */
function removeIfAbandoned(file: string): Promise<void> {
  return new Promise((resolve) => {
    const probe = net.connect(file);
    probe.once('connect', () => {
      probe.destroy();
      resolve();
    });
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') fs.rmSync(file, { force: true });
      resolve();
    });
  });
}

/**
 * Whether another process holds the lock now, without taking it: a probe connection to where the
 * holder listens. A lock taken or released right after may make the answer stale at once.
 */
export function processLockHeld(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(lockAddress(name));
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
