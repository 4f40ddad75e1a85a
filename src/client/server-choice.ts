import fs from 'node:fs';
import path from 'node:path';
import { configHome, dataHome, ensurePrivateDir, readRegularFile, writePrivateFile } from '../config/config';
import { runningEmbeddedServer } from '../config/embedded-server';
import { unavailable } from '../errors/cli-error';
import { parseServerUrl, type ServerAddress } from './server-url';

/**
 * The server a command goes through, and what named it: `login --server` (remembered once the
 * login succeeds), EPICEVENTS_SERVER, the remembered one, or the server that holds this machine's
 * embedded database (whose sessions are direct mode's: the same database, tokens signed with the
 * same generated key, so they are stored as direct mode's).
 */
export interface ServerChoice {
  address: ServerAddress;
  source: 'login' | 'environment' | 'remembered' | 'embedded';
}

/** Beside the session in the config folder: the server `login --server` chose, until `logout`. */
const REMEMBERED_FILE = 'server.json';

/**
 * Where a command that works on the CRM's data goes, first match wins: `login --server URL`,
 * `EPICEVENTS_SERVER`, the server remembered by the last `login --server`; else, with no
 * DATABASE_URL, the server that holds the embedded database right now; else nowhere (direct mode).
 * Nothing here reads DATABASE_URL's value or loads the database layer.
 */
export async function chooseServer(env: NodeJS.ProcessEnv, loginServer?: string): Promise<ServerChoice | undefined> {
  if (loginServer !== undefined) return { address: parseServerUrl(loginServer, '--server'), source: 'login' };
  const fromEnv = env.EPICEVENTS_SERVER?.trim();
  if (fromEnv) return { address: parseServerUrl(fromEnv, 'EPICEVENTS_SERVER'), source: 'environment' };
  const remembered = rememberedServer(configHome(env));
  if (remembered) return { address: parseServerUrl(remembered, 'the server of `epicevents login --server`'), source: 'remembered' };
  if (env.DATABASE_URL?.trim()) return undefined;
  const embedded = await runningEmbeddedServer(dataHome(env));
  return embedded ? { address: parseServerUrl(embedded, 'the embedded database\'s server'), source: 'embedded' } : undefined;
}

function rememberedServer(homeDir: string): string | undefined {
  const file = path.join(homeDir, REMEMBERED_FILE);
  const read = readRegularFile(file);
  if (!read) return undefined;
  try {
    const { url } = JSON.parse(read.content) as { url?: unknown };
    if (typeof url === 'string') return url;
  } catch {
    // reported below
  }
  throw unavailable(`${file} is damaged`, `remove it (\`rm ${file}\`) and log in again with \`epicevents login --server URL\``);
}

/** After `login --server URL`: the next commands go to that server. */
export function rememberServer(homeDir: string, origin: string): void {
  ensurePrivateDir(homeDir);
  writePrivateFile(path.join(homeDir, REMEMBERED_FILE), JSON.stringify({ url: origin }));
}

/** After `logout`: back to EPICEVENTS_SERVER or direct mode. */
export function forgetServer(homeDir: string): void {
  fs.rmSync(path.join(homeDir, REMEMBERED_FILE), { force: true });
}
