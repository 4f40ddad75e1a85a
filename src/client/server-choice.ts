import fs from 'node:fs';
import { type Socket } from 'node:net';
import path from 'node:path';
import { configHome, dataHome, ensurePrivateDir, readRegularFile, tenantSetting, writePrivateFile } from '../config/config';
import { runningEmbeddedServer } from '../config/embedded-server';
import { DEFAULT_TENANT, isTenantSlug } from '../domain/tenancy';
import { unavailable } from '../errors/cli-error';
import { parseServerUrl, type ServerAddress, socketAddress } from './server-url';

/**
 * The server a command goes through, and what named it: `login --server` (remembered once the
 * login succeeds), EPICEVENTS_SERVER, the remembered one, or the server that holds this machine's
 * embedded database (whose sessions are direct mode's: the same database, tokens signed with the
 * same generated key, so they are stored as direct mode's).
 */
export interface ServerChoice {
  address: ServerAddress;
  source: 'login' | 'environment' | 'remembered' | 'embedded';
  /**
   * The tenant (slug) the session is of: `login --tenant`, else EPICEVENTS_TENANT, else (but for
   * `login`) the one remembered with the server, else `default`. The CLI keeps one session per
   * server and tenant.
   */
  tenant: string;
  /** The connection the kept-open process took while it was chosen: the command's first request goes on it. */
  connection?: Socket;
}

/** Beside the session in the config folder: the server `login --server` chose, until `logout`. */
const REMEMBERED_FILE = 'server.json';

/**
 * Where a command that works on the CRM's data goes, first match wins: `login --server URL`,
 * `EPICEVENTS_SERVER`, the server remembered by the last `login --server`; else, with no
 * DATABASE_URL, the server that holds the embedded database right now (the kept-open process only
 * once it has taken a connection: `runningEmbeddedServer`); else nowhere (direct mode).
 * Nothing here reads DATABASE_URL's value or loads the database layer.
 */
export async function chooseServer(env: NodeJS.ProcessEnv, loginServer?: string, login?: { tenant?: string }): Promise<ServerChoice | undefined> {
  const remembered = rememberedServer(configHome(env));
  // A login names its tenant or goes to EPICEVENTS_TENANT's, else `default`; later commands stay where it went.
  const fromEnvTenant = env.EPICEVENTS_TENANT?.trim() || undefined;
  const tenant = tenantSetting(login ? (login.tenant ?? fromEnvTenant) : (fromEnvTenant ?? remembered?.tenant));
  if (loginServer !== undefined) return { address: parseServerUrl(loginServer, '--server'), source: 'login', tenant };
  const fromEnv = env.EPICEVENTS_SERVER?.trim();
  if (fromEnv) return { address: parseServerUrl(fromEnv, 'EPICEVENTS_SERVER'), source: 'environment', tenant };
  if (remembered) return { address: parseServerUrl(remembered.url, 'the server of `epicevents login --server`'), source: 'remembered', tenant };
  if (env.DATABASE_URL?.trim()) return undefined;
  const embedded = await runningEmbeddedServer(dataHome(env));
  if (!embedded) return undefined;
  if ('socket' in embedded) return { address: socketAddress(embedded.socket), source: 'embedded', tenant, connection: embedded.connection };
  return { address: parseServerUrl(embedded.url, "the embedded database's server"), source: 'embedded', tenant };
}

function rememberedServer(homeDir: string): { url: string; tenant?: string } | undefined {
  const file = path.join(homeDir, REMEMBERED_FILE);
  const read = readRegularFile(file);
  if (!read) return undefined;
  try {
    const { url, tenant } = JSON.parse(read.content) as { url?: unknown; tenant?: unknown };
    if (typeof url === 'string' && (tenant === undefined || (typeof tenant === 'string' && isTenantSlug(tenant)))) return { url, tenant };
  } catch {
    // reported below
  }
  throw unavailable(`${file} is damaged`, `remove it (\`rm ${file}\`) and log in again with \`epicevents login --server URL\``);
}

/** After `login --server URL [--tenant SLUG]`: the next commands go to that server, in that tenant. */
export function rememberServer(homeDir: string, origin: string, tenant: string): void {
  ensurePrivateDir(homeDir);
  writePrivateFile(path.join(homeDir, REMEMBERED_FILE), JSON.stringify({ url: origin, tenant }));
}

/**
 * The key of a server's session in the credential store: the origin for the tenant `default`
 * (as before tenants), the origin and the slug for another.
 */
export function sessionKey(server: ServerChoice): string {
  return server.tenant === DEFAULT_TENANT ? server.address.origin : `${server.address.origin} tenant=${server.tenant}`;
}

/** After `logout`: back to EPICEVENTS_SERVER or direct mode. */
export function forgetServer(homeDir: string): void {
  fs.rmSync(path.join(homeDir, REMEMBERED_FILE), { force: true });
}
