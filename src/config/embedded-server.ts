import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { folderLockName, processLockHeld } from './process-lock';
import { isPrivateDir, ownedByThisUser, readRegularFile, writePrivateFile } from './config';

/**
 * `serve` without DATABASE_URL keeps the embedded database open for as long as it runs, holding
 * its folder's lock. So that a direct command on this machine talks to it instead of waiting for
 * the lock, the server leaves its address in the data folder while it listens.
 *
 * The same file names the process that keeps the database open between a person's commands
 * (`serve --keep-open`, started by a command when it ends): it listens on a socket in the data
 * folder, and while it starts, the file names it without an address yet.
 */
const FILE_NAME = 'server.json';
const SOCKET_NAME = 'server.sock';
/** Linux and macOS keep a Unix socket's path in a fixed buffer (108 and 104 bytes, with its NUL). */
const MAX_SOCKET_PATH_BYTES = 103;
/** How long a command waits for a kept-open process that is still opening the database. */
const STARTING_WAIT_MS = 5_000;
const POLL_MS = 20;

/** The name of the embedded database's folder lock (the one `Database.open` takes). */
export const embeddedDatabaseLockName = (dataDir: string): string => folderLockName('embedded-database', dataDir);

/** What the file says. `url` for `serve`; `socket` (once listening) for the kept-open process. */
interface Announcement {
  pid: number;
  url?: string;
  socket?: string;
  keptOpen?: boolean;
  /** The build of the CLI that started it: a kept-open process of an earlier build is not used. */
  build?: string;
}

/**
 * Where a command reaches the process that holds the embedded database: the URL of a `serve`, or
 * the kept-open process's socket with the connection it has accepted for the command.
 */
export type EmbeddedServerAddress = { url: string } | { socket: string; connection: net.Socket };

/**
 * Written once the server listens; the returned function removes it, and the kept-open process's
 * socket with it (on exit too): from then on a command cannot connect, and opens the folder itself.
 */
export function announceEmbeddedServer(dataDir: string, address: { url: string } | { socket: string }, keptOpen = false): () => void {
  const file = path.join(dataDir, FILE_NAME);
  writeAnnouncement(dataDir, { ...address, pid: process.pid, ...(keptOpen ? { keptOpen, build: buildId() } : {}) });
  const remove = () => {
    // Only its own: a kept-open process replaced meanwhile must not remove its successor's file or socket.
    if (readAnnouncement(dataDir)?.pid !== process.pid) return;
    if ('socket' in address) fs.rmSync(address.socket, { force: true });
    fs.rmSync(file, { force: true });
  };
  // Also on an exit that skips the orderly stop; a killed server leaves the file, which its dead pid and the free lock give away.
  process.once('exit', remove);
  return remove;
}

/**
 * Where a command reaches the process that holds the embedded database now, if one does: its file
 * is there, its process is alive and the folder's lock is taken. A file left by a server that was
 * killed is ignored, and so is a kept-open process of another build (a `lockEmbedded` wait then
 * asks it to stop). A kept-open process still opening the database is waited for, up to 5 s.
 *
 * A kept-open process counts only once it has taken a connection, which the command's first
 * request then uses: one that stops meanwhile, or whose socket is gone, is as if none ran, and the
 * command opens the folder itself (waiting for the lock, and asking the process to stop if it still
 * runs). Before anything was sent, that is safe; a `serve` someone started is never passed over so.
 */
export async function runningEmbeddedServer(dataDir: string): Promise<EmbeddedServerAddress | undefined> {
  // The file names where the session goes: read only in a folder no one else may write.
  if (!isPrivateDir(dataDir)) return undefined;
  const deadline = Date.now() + STARTING_WAIT_MS;
  for (;;) {
    const announced = readAnnouncement(dataDir);
    if (!announced || !processAlive(announced.pid)) return undefined;
    if (announced.keptOpen && announced.build !== buildId()) return undefined;
    if (announced.socket || announced.url) {
      if (!(await processLockHeld(embeddedDatabaseLockName(dataDir)))) return undefined;
      if (announced.url) return { url: announced.url };
      const socket = ownSocket(dataDir);
      const connection = socket ? await connectTo(socket) : undefined;
      return socket && connection ? { socket, connection } : undefined;
    }
    if (!announced.keptOpen || Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * The kept-open process's socket in the data folder, whatever path the file gives: only when it is
 * a socket of this user's (not a symbolic link), so that the session goes nowhere else.
 */
function ownSocket(dataDir: string): string | undefined {
  const socket = keptOpenSocket(dataDir);
  if (!socket) return undefined;
  try {
    const stat = fs.lstatSync(socket);
    return stat.isSocket() && ownedByThisUser(stat) ? socket : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A connection to the kept-open process's socket, or undefined when nothing takes one there (the
 * socket removed, nothing listening, the process stopping). A connection made is served: the
 * process serves every connection that reached it before it removed its socket. Unreferenced until
 * a request uses it, so that a command that ends without one does not wait for it.
 */
function connectTo(socket: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    connection.once('error', () => resolve(undefined));
    connection.once('connect', () => {
      // Once the request's client has it, its own listener reports a failure.
      connection.on('error', () => undefined);
      resolve(connection.unref());
    });
  });
}

/**
 * Asks the kept-open process of the data folder, if one listens there, to stop: a command that
 * opens the folder itself (`db …`, a command of another build) waits for its lock, which the process
 * releases once it has closed the database. Asked over its socket (`POST /v1/kept-open/stop`), never
 * by signalling the pid its file names, which may since be another process's. A `serve` someone
 * started is never stopped. True when one was asked; the answer is not waited for.
 */
export function stopKeptOpenServer(dataDir: string): boolean {
  if (!isPrivateDir(dataDir) || !readAnnouncement(dataDir)?.keptOpen) return false;
  const socket = ownSocket(dataDir);
  if (!socket) return false;
  const request = net.connect(socket);
  request.on('error', () => undefined); // stopped or stopping already: the lock is what is waited for
  request.setTimeout(STOP_REQUEST_TIMEOUT_MS, () => request.destroy());
  request.unref();
  request.end(`POST ${STOP_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  request.on('data', () => request.destroy());
  return true;
}

/** The kept-open process's route that makes it stop (src/server/serve.ts): on its socket only. */
export const STOP_PATH = '/v1/kept-open/stop';
const STOP_REQUEST_TIMEOUT_MS = 2_000;

/** The kept-open process's socket, or undefined when the folder's path is too long for one. */
export function keptOpenSocket(dataDir: string): string | undefined {
  const socket = path.join(dataDir, SOCKET_NAME);
  return Buffer.byteLength(socket) <= MAX_SOCKET_PATH_BYTES ? socket : undefined;
}

/**
 * Starts `serve --keep-open` on the embedded database, detached, for the next commands: called by a
 * command that opened the database itself, once it has closed it. The file names the new process
 * at once (without an address), so a command started meanwhile waits for it rather than open the
 * folder too. Its log (one JSON line per request) goes to `server.log` beside it.
 */
export async function startKeptOpenServer(dataDir: string, keepOpenSeconds: number, env: NodeJS.ProcessEnv): Promise<void> {
  const bin = installedBin();
  if (!bin || !keptOpenSocket(dataDir) || process.platform === 'win32') return;
  // One is serving (it holds the folder's lock) or starting (named without its socket yet) already.
  const announced = readAnnouncement(dataDir);
  if (announced && !announced.socket && processAlive(announced.pid)) return;
  if (await processLockHeld(embeddedDatabaseLockName(dataDir))) return;
  let log: number;
  try {
    log = fs.openSync(path.join(dataDir, 'server.log'), 'w', 0o600);
  } catch {
    return; // the folder is not writable: the command said so already, or will next time
  }
  try {
    // Not the starting command's session (the process verifies each request's own), nor where it went.
    const kept = Object.entries(env).filter(([name]) => !NOT_PASSED_ON.includes(name));
    const child = spawn(process.execPath, [bin, 'serve', '--keep-open', `${keepOpenSeconds}s`], {
      cwd: dataDir,
      env: { ...Object.fromEntries(kept), EPICEVENTS_DATA_DIR: dataDir },
      detached: true,
      stdio: ['ignore', 'ignore', log],
    });
    if (child.pid !== undefined) writeAnnouncement(dataDir, { pid: child.pid, keptOpen: true, build: buildId() });
    child.unref();
  } finally {
    fs.closeSync(log);
  }
}

const NOT_PASSED_ON = ['EPICEVENTS_TOKEN', 'EPICEVENTS_SERVER', 'EPICEVENTS_TENANT'];

/** bin/epicevents.js of this installation, found from this file (in dist/bundle or dist/src/config). */
function installedBin(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'bin', 'epicevents.js');
    if (fs.existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Which build of the CLI runs: this file's size and time (the bundle, or the per-file build) and
 * Node's version. A kept-open process started before an upgrade is not used by the new build.
 */
function buildId(): string {
  const { size, mtimeMs } = fs.statSync(__filename);
  return `${process.version} ${size} ${Math.round(mtimeMs)}`;
}

function readAnnouncement(dataDir: string): Announcement | undefined {
  try {
    const file = path.join(dataDir, FILE_NAME);
    // The process writes the file itself: a symbolic link there is not its doing.
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) return undefined;
    const read = readRegularFile(file);
    if (!read) return undefined;
    const announced = JSON.parse(read.content) as Partial<Announcement>;
    // A process id, not 0 or a negative number, which `kill` takes for a process group.
    return Number.isSafeInteger(announced.pid) && (announced.pid as number) > 0 ? (announced as Announcement) : undefined;
  } catch {
    return undefined; // unreadable: as if absent, the command then waits for the lock as before
  }
}

function writeAnnouncement(dataDir: string, announced: Announcement): void {
  writePrivateFile(path.join(dataDir, FILE_NAME), JSON.stringify(announced));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
