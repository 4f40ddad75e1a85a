import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { processEnv, tempHome } from './cli';
import { FACTORY_PASSWORD } from './factories';
import { createTestDatabase, releaseEmbedded, type TestDatabase } from './test-database';

/**
 * A real `epicevents serve` process (the built binary) on a free port, against a test database:
 * for raw HTTP tests, and for running the CLI's suites through the server.
 */
export interface RunningServer {
  /** http://127.0.0.1:PORT (https with TLS), as the server printed it. */
  url: string;
  pid: number;
  /** The config folder of the server process (its generated secret for the embedded database). */
  home: string;
  /** Everything the server wrote on stdout so far (the `listening on` line, and nothing else). */
  stdout(): string;
  /** Everything the server wrote on stderr so far: its JSON log lines. */
  stderr(): string;
  /** stderr, one parsed JSON object per line (fails on a line that is not JSON). */
  logLines(): Record<string, unknown>[];
  /**
   * The log lines so far once `count` of them satisfy `predicate`: a request's line is written just
   * after its response is sent, so a client may read the response first.
   */
  waitForLogLines(predicate: (line: Record<string, unknown>) => boolean, count: number, timeoutMs?: number): Promise<Record<string, unknown>[]>;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (SIGTERM by default) and waits for the process to end; its exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServerOptions {
  /** Added to the environment (after the database's and the defaults); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Extra flags for `serve` (`--port 0` is always given first; a later `--port` wins). */
  args?: string[];
  /** How long to wait for `listening on` (default 30 s). */
  startTimeoutMs?: number;
}

const BIN = path.resolve(__dirname, '../../bin/epicevents.js');
const running = new Set<ChildProcess>();

// A test file that fails before its afterAll must not leave servers behind.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `epicevents serve --port 0` and resolves once it printed `listening on URL`; rejects with
 * its output when it exits or stays silent instead. On a server database the process gets its own
 * EPICEVENTS_HOME; on the embedded engine its own XDG_CONFIG_HOME.
 */
export async function startServer(db: Pick<TestDatabase, 'env' | 'url'>, options: ServerOptions = {}): Promise<RunningServer> {
  // The server opens the embedded folder itself: the test file lets go of it first.
  await releaseEmbedded();
  const home = tempHome();
  const env = processEnv({ ...db.env, ...(db.url ? { EPICEVENTS_HOME: home } : { XDG_CONFIG_HOME: home }), ...options.env });
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...(options.args ?? [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`epicevents serve printed no "listening on" line in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.startTimeoutMs ?? 30_000);
    const onData = () => {
      const match = /^listening on (https?:\/\/\S+)\n/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const logLines = () =>
        stderr
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            try {
              return JSON.parse(line) as Record<string, unknown>;
            } catch {
              throw new Error(`the server wrote a line on stderr that is not JSON: ${line}`);
            }
          });
      resolve({
        url: match[1],
        pid: child.pid as number,
        home,
        stdout: () => stdout,
        stderr: () => stderr,
        logLines,
        waitForLogLines: async (predicate, count, timeoutMs = 10_000) => {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const lines = logLines();
            if (lines.filter(predicate).length >= count) return lines;
            if (Date.now() > deadline) throw new Error(`the server logged ${lines.filter(predicate).length} of ${count} expected lines:\n${stderr}`);
            await new Promise((resume) => setTimeout(resume, 20));
          }
        },
        exited,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          const result = await exited;
          fs.rmSync(home, { recursive: true, force: true });
          return result;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`epicevents serve ended (${code ?? signal}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

/** A test database and the real `epicevents serve` over it that the tests of one describe share. */
export interface ServedDatabase {
  readonly db: TestDatabase;
  readonly server: RunningServer;
}

/**
 * Registers the hooks of the enclosing describe (or file): before its tests, a test database of
 * its own and a real `epicevents serve` over it (with `options`); after them, the server stopped
 * and the database dropped. The fields are there from beforeAll on.
 */
export function servedDatabase(options?: ServerOptions): ServedDatabase {
  let db: TestDatabase | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer(db, options);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the served database is made in beforeAll: use it in a test or a later hook');
    return value;
  };
  return {
    get db() {
      return ready(db);
    },
    get server() {
      return ready(server);
    },
  };
}

/** An access token of `email` from POST /v1/auth/login (the factories' password unless given); throws with the answer unless 200. */
export async function accessToken(serverUrl: string, email: string, { password = FACTORY_PASSWORD, tenant }: { password?: string; tenant?: string } = {}): Promise<string> {
  const response = await httpRequest(serverUrl, 'POST', '/v1/auth/login', { body: { email, password, ...(tenant ? { tenant } : {}) } });
  if (response.status !== 200) throw new Error(`login of ${email}${tenant ? ` in ${tenant}` : ''} answered ${response.status}: ${response.text}`);
  return response.json<{ accessToken: string }>().accessToken;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpRequestOptions {
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Serialised as JSON with `Content-Type: application/json`, unless `rawBody` is given. */
  body?: unknown;
  /** Sent as it is (with the headers given). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** Certificate authority to trust for https (a self-signed certificate). */
  ca?: Buffer;
}

/** One HTTP request, nothing hidden: the status, headers and body as the server sent them. */
export function httpRequest(baseUrl: string, method: string, route: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const url = new URL(route, baseUrl);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = {
    ...(options.body !== undefined && options.rawBody === undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...options.headers,
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method, headers, ca: options.ca, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: response.statusCode as number,
          headers: response.headers,
          text,
          json<T>() {
            try {
              return JSON.parse(text) as T;
            } catch {
              throw new Error(`${method} ${route} answered ${response.statusCode} with a body that is not JSON: ${text}`);
            }
          },
        });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}
