import fs from 'node:fs';
import { type Server } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { type FastifyInstance } from 'fastify';
import { type TokenSettings } from '../auth/session.service';
import { type Config, SERVER_STATEMENT_TIMEOUT_MS } from '../config/config';
import { announceEmbeddedServer, keptOpenSocket, STOP_PATH } from '../config/embedded-server';
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
 * database and resolves. The kept-open process also stops once no command has been connected for
 * its idle time; it removes its file and socket first, then serves the commands connected to the
 * end (`finishConnections`), so that a command either reaches it or finds it gone.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const { config } = options;
  const database = requestDatabase(
    await Database.openCurrent({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize, statementTimeoutMs: SERVER_STATEMENT_TIMEOUT_MS, transactionPooler: config.transactionPooler, longLived: options.keepOpenSeconds === undefined, scope: {} }),
  );
  let app: FastifyInstance | undefined;
  let stopAsked: Promise<'asked'> | undefined;
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
    else {
      stopAsked = stopRoute(app);
      await listenOnSocket(app, config.dataDir);
    }
  } catch (error) {
    await app?.close();
    await database.close();
    throw error;
  }
  const signal = stopSignal();
  let stopping: Promise<NodeJS.Signals | 'idle' | 'asked' | 'socket gone'> = signal;
  let connections: OpenConnections | undefined;
  // The embedded database's lock is this process's now: direct commands of this machine come here
  // instead. Announced before the `listening on` line, so whoever waits for that line finds it.
  let withdraw: (() => void) | undefined;
  if (options.keepOpenSeconds !== undefined) {
    connections = new OpenConnections(app.server);
    const socket = app.server.address() as string;
    stopping = Promise.race([signal, connections.noneFor(options.keepOpenSeconds * 1000).then(() => 'idle' as const), stopAsked as Promise<'asked'>, socketGone(socket)]);
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
  if (connections) {
    // Asked again to make way while it does: it is, and must not die with the database open.
    process.on('SIGTERM', ignoreSignal).on('SIGINT', ignoreSignal);
    await finishConnections(app, connections);
  }
  await closeGracefully(app, database);
}

const ignoreSignal = () => undefined;

const SOCKET_CHECK_MS = 250;

/**
 * Resolves once the kept-open process's socket is no longer the one it listens on (removed, or
 * replaced): no command can reach it any more, and one that opens the folder itself cannot ask it
 * to make way, so it stops, as on idle.
 */
function socketGone(socket: string): Promise<'socket gone'> {
  const listening = fs.lstatSync(socket).ino;
  return new Promise((resolve) => {
    const check = setInterval(() => {
      if (fs.lstatSync(socket, { throwIfNoEntry: false })?.ino === listening) return;
      clearInterval(check);
      resolve('socket gone');
    }, SOCKET_CHECK_MS);
    check.unref();
  });
}

/**
 * The kept-open process makes way when a command that opens the folder itself asks it to
 * (`stopKeptOpenServer`). No token: the route is on its socket only, which only its user reaches.
 */
function stopRoute(app: FastifyInstance): Promise<'asked'> {
  return new Promise((resolve) => {
    app.post(STOP_PATH, { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
      resolve('asked');
      return reply.code(202).send();
    });
  });
}

/** How long the kept-open process still accepts, once its socket is removed, what connected before. */
const DRAIN_MS = 50;

/**
 * The kept-open process, its socket removed: a command that connected before (a connection waiting
 * to be accepted, or one between two requests) is served to its end, since the command counts on it
 * and never sends a request elsewhere once one was sent. Then no connection is left for Fastify's
 * close to cut. Up to SHUTDOWN_GRACE_MS, after which they are closed.
 */
async function finishConnections(app: FastifyInstance, connections: OpenConnections): Promise<void> {
  let grace: NodeJS.Timeout | undefined;
  const finished = await Promise.race([connections.noneFor(DRAIN_MS).then(() => true), new Promise<false>((resolve) => (grace = setTimeout(() => resolve(false), SHUTDOWN_GRACE_MS)))]);
  clearTimeout(grace);
  if (finished) return;
  app.log.warn(`commands still connected after ${SHUTDOWN_GRACE_MS / 1000} s: closing their connections`);
  app.server.closeAllConnections();
}

/**
 * The connections open on the kept-open process: each is one command of this machine, from its
 * first request to its end. It stops once none has been open for its idle time, so never between
 * two requests of a command, nor with a connection accepted whose request it has not read yet.
 */
class OpenConnections {
  private open = 0;
  /** Counts every opening and closing, so that a wait sees whether one happened meanwhile. */
  private changes = 0;
  private readonly watchers = new Set<() => void>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.changed(1);
      socket.once('close', () => this.changed(-1));
    });
  }

  /**
   * Resolves once no connection has been open for `ms`, checked again after the event loop's next
   * poll: a connection already queued on the socket is accepted there, and counts.
   */
  noneFor(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const watch = () => {
        clearTimeout(timer);
        if (this.open > 0) return;
        const at = this.changes;
        // Unreferenced: a process stopped by a signal meanwhile exits without waiting for it.
        timer = setTimeout(() => {
          setImmediate(() => {
            if (this.changes !== at) return; // the connection's own change watches again
            this.watchers.delete(watch);
            resolve();
          });
        }, ms).unref();
      };
      this.watchers.add(watch);
      watch();
    });
  }

  private changed(by: 1 | -1): void {
    this.open += by;
    this.changes += 1;
    for (const watch of this.watchers) watch();
  }
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
