import fs from 'node:fs';
import path from 'node:path';
import { folderLockName, processLockHeld } from './process-lock';
import { readRegularFile, writePrivateFile } from './config';

/**
 * `serve` without DATABASE_URL keeps the embedded database open for as long as it runs, holding
 * its folder's lock. So that a direct command on this machine talks to it instead of waiting for
 * the lock, the server leaves its address in the data folder while it listens.
 */
const FILE_NAME = 'server.json';

/** The name of the embedded database's folder lock (the one `Database.open` takes). */
export const embeddedDatabaseLockName = (dataDir: string): string => folderLockName('embedded-database', dataDir);

/** Written once the server listens; the returned function removes it (on exit). */
export function announceEmbeddedServer(dataDir: string, url: string): () => void {
  const file = path.join(dataDir, FILE_NAME);
  writePrivateFile(file, JSON.stringify({ url, pid: process.pid }));
  const remove = () => fs.rmSync(file, { force: true });
  // Also on an exit that skips the orderly stop; a killed server leaves the file, which its dead pid and the free lock give away.
  process.once('exit', remove);
  return remove;
}

/**
 * The URL of the server that holds the embedded database now, if one does: its file is there, its
 * process is alive and the folder's lock is taken. A file left by a server that was killed is ignored.
 */
export async function runningEmbeddedServer(dataDir: string): Promise<string | undefined> {
  let announced: { url?: unknown; pid?: unknown };
  try {
    const read = readRegularFile(path.join(dataDir, FILE_NAME));
    if (!read) return undefined;
    announced = JSON.parse(read.content) as typeof announced;
  } catch {
    return undefined; // unreadable: as if absent, the command then waits for the lock as before
  }
  if (typeof announced.url !== 'string' || typeof announced.pid !== 'number' || !processAlive(announced.pid)) return undefined;
  return (await processLockHeld(embeddedDatabaseLockName(dataDir))) ? announced.url : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
