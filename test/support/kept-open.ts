import fs from 'node:fs';
import path from 'node:path';

/** What the kept-open process (or a `serve` on the embedded database) writes in server.json. */
export interface Announced {
  pid: number;
  socket?: string;
  url?: string;
  keptOpen?: boolean;
  build?: string;
}

/** The data folder's server.json, if it holds JSON. */
export function announced(data: string): Announced | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(data, 'server.json'), 'utf8')) as Announced;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (an orphan that the machine's first process has not reaped yet). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: kill(0) is the answer
  }
}

/** Polls `check` every 50 ms until it gives a value, failing the test after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The kept-open process once it listens: its file names its socket. */
export const listening = (data: string): Promise<Announced> =>
  until('the kept-open process to listen', () => {
    const a = announced(data);
    return a?.socket && alive(a.pid) ? a : undefined;
  });
