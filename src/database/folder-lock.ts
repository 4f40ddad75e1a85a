import fs from 'node:fs';
import path from 'node:path';
import { unavailable } from '../errors/cli-error';

/**
 * PGlite serves one process per data folder: two processes on the same folder each keep their own
 * copy of the database's shared state, and their writes overwrite each other's (committed rows
 * vanish, indexes fall out of step with their tables). So a command holds the embedded database
 * for as long as it has it open: a lock file beside the folder, created exclusively, holding the
 * holder's pid. Another command waits for it; a lock whose process is gone is taken over.
 */
export interface FolderLock {
  release(): void;
}

export const LOCK_WAIT_MS = 30_000;
const POLL_MS = 100;

/** Lock files this process holds, with how many opens share each one. */
const held = new Map<string, number>();
let releaseOnExit = false;

export const lockFileFor = (dataDir: string) => `${path.resolve(dataDir)}.lock`;

/**
 * Takes the lock on `dataDir`, waiting up to `waitMs` for another process to release it (telling
 * `onWait` once, so a person knows why nothing happens); then exit 7 naming the holder.
 */
export async function lockDataFolder(dataDir: string, onWait?: (message: string) => void, waitMs = LOCK_WAIT_MS): Promise<FolderLock> {
  const file = lockFileFor(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + waitMs;
  let told = false;
  while (!held.has(file) && !tryCreate(file)) {
    const holder = holderOf(file);
    // Our own pid in a lock this process does not hold: left by an earlier process that had it.
    if (holder !== undefined && (holder === process.pid || !alive(holder)) && removeIf(file, holder)) continue;
    if (Date.now() >= deadline) {
      throw unavailable(
        `the embedded database is in use by another epicevents process${holder === undefined ? '' : ` (pid ${holder})`}`,
        `wait for it to finish; if no such process runs, remove ${file}`,
      );
    }
    if (!told) onWait?.(`waiting for another epicevents process${holder === undefined ? '' : ` (pid ${holder})`} to finish with the embedded database…`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  held.set(file, (held.get(file) ?? 0) + 1);
  if (!releaseOnExit) {
    releaseOnExit = true;
    // A command that ends with process.exit() (an error, Ctrl-C) does not close the database.
    process.on('exit', () => {
      for (const lock of held.keys()) removeIf(lock, process.pid);
    });
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const count = (held.get(file) ?? 1) - 1;
      if (count > 0) return void held.set(file, count);
      held.delete(file);
      removeIf(file, process.pid);
    },
  };
}

function tryCreate(file: string): boolean {
  try {
    fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The pid in the lock file; undefined when it is gone or not written yet. */
function holderOf(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock only while it still names `pid` (another process may have taken it meanwhile); false if it could not. */
function removeIf(file: string, pid: number): boolean {
  try {
    if (holderOf(file) === pid) fs.unlinkSync(file);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
