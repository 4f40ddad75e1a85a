import fs from 'node:fs';
import { type AddressInfo } from 'node:net';
import { type FastifyInstance } from 'fastify';
import { type TokenSettings } from '../auth/session.service';
import { type Config, SERVER_STATEMENT_TIMEOUT_MS } from '../config/config';
import { announceEmbeddedServer, keptOpenSocket } from '../config/embedded-server';
import { Database } from '../database/database';
import { unavailable } from '../errors/cli-error';
import { buildApp } from './app';
import { type RequestDatabase, requestDatabase } from './request-database';

export interface ServeOptions {
  host: string;
  port: number;
  https?: { cert: Buffer; key: Buffer };
  trustProxy: boolean;
  /** `--allow-signup`: companies may sign up (POST /v1/signup). */
  allowSignup: boolean;
  config: Config;
  tokens: TokenSettings;
  env: NodeJS.ProcessEnv;
  /** Receives the one `listening on` line. */
  stdout: NodeJS.WritableStream;
  /** Receives the JSON log lines. */
  stderr: NodeJS.WritableStream;
  /**
   * `--keep-open`: the embedded database kept open for this machine's commands, on the socket of its
   * data folder instead of host and port, until no request came for this many seconds.
   */
  keepOpenSeconds?: number;
}

/** How long requests in flight may still run once the server is told to stop. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Opens the database, listens, prints `listening on URL`, then serves until SIGTERM or SIGINT:
 * stops accepting, lets the requests in flight finish (at most SHUTDOWN_GRACE_MS), closes the
 * database and resolves.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const { config } = options;
  const database = requestDatabase(
    await Database.openCurrent({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize, statementTimeoutMs: SERVER_STATEMENT_TIMEOUT_MS, transactionPooler: config.transactionPooler, longLived: options.keepOpenSeconds === undefined, scope: {} }),
  );
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({
      database,
      tokens: options.tokens,
      databaseUrl: config.databaseUrl,
      env: options.env,
      logStream: options.stderr,
      https: options.https,
      trustProxy: options.trustProxy,
      allowSignup: options.allowSignup,
    });
    if (options.keepOpenSeconds === undefined) await listen(app, options.host, options.port);
    else await listenOnSocket(app, config.dataDir);
  } catch (error) {
    await app?.close();
    await database.close();
    throw error;
  }
  const signal = stopSignal();
  const stopping = options.keepOpenSeconds === undefined ? signal : Promise.race([signal, idleFor(app, options.keepOpenSeconds * 1000)]);
  // The embedded database's lock is this process's now: direct commands of this machine come here
  // instead. Announced before the `listening on` line, so whoever waits for that line finds it.
  let withdraw: (() => void) | undefined;
  if (options.keepOpenSeconds !== undefined) {
    const socket = app.server.address() as string;
    withdraw = announceEmbeddedServer(config.dataDir, { socket }, true);
    options.stdout.write(`listening on ${socket}\n`);
  } else {
    const { port } = app.server.address() as AddressInfo;
    const scheme = options.https ? 'https' : 'http';
    if (!config.databaseUrl) withdraw = announceEmbeddedServer(config.dataDir, { url: `${scheme}://${urlHost(reachableHost(options.host))}:${port}` });
    options.stdout.write(`listening on ${scheme}://${urlHost(options.host)}:${port}\n`);
  }
  const received = await stopping;
  // Withdrawn first: a command started now waits for the folder's lock rather than come to a server that stops.
  withdraw?.();
  app.log.info({ signal: received }, 'stopping: no new connections; requests in flight finish');
  await closeGracefully(app, database);
}

/**
 * The kept-open process listens on a socket in the embedded database's folder (0700, the user's
 * own), not on a port: no other user of the machine can reach it. Any socket file there is a
 * leftover of a killed one: this process holds the folder's lock.
 */
async function listenOnSocket(app: FastifyInstance, dataDir: string): Promise<void> {
  const socket = keptOpenSocket(dataDir);
  if (!socket) throw unavailable(`the embedded database's folder path is too long for a socket: ${dataDir}`, 'set EPICEVENTS_DATA_DIR to a shorter path, or EPICEVENTS_KEEP_OPEN=0');
  fs.rmSync(socket, { force: true });
  await app.listen({ path: socket, listenTextResolver: () => 'accepting connections' });
  fs.chmodSync(socket, 0o600);
}

/** Resolves once no request has been in flight for `ms`: the kept-open process then stops. */
function idleFor(app: FastifyInstance, ms: number): Promise<'idle'> {
  return new Promise((resolve) => {
    let inFlight = 0;
    // Unreferenced: a process stopped by a signal meanwhile exits without waiting for it.
    const idleTimer = () => setTimeout(() => resolve('idle'), ms).unref();
    let timer = idleTimer();
    app.server.on('request', (_request, response: import('node:http').ServerResponse) => {
      inFlight += 1;
      clearTimeout(timer);
      response.once('close', () => {
        inFlight -= 1;
        if (inFlight === 0) timer = idleTimer();
      });
    });
  });
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** Where a process of this machine reaches a server listening on `host`: a wildcard address is reached on loopback. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port, listenTextResolver: () => 'accepting connections' });
  } catch (error) {
    const reason = LISTEN_FAILURES[(error as NodeJS.ErrnoException).code ?? ''];
    if (!reason) throw error;
    throw unavailable(`cannot listen on ${host}:${port}: ${reason}`, 'choose another --host or --port');
  }
}

const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EADDRNOTAVAIL: 'this machine has no such address',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'the host name cannot be resolved now',
};

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

async function closeGracefully(app: FastifyInstance, database: RequestDatabase): Promise<void> {
  const deadline = setTimeout(() => {
    app.log.warn(`requests still running after ${SHUTDOWN_GRACE_MS / 1000} s: closing their connections`);
    app.server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
  await database.close();
}
