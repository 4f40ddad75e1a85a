import http from 'node:http';
import https from 'node:https';
import { type Socket } from 'node:net';
import { CliError, unavailable, usageError } from '../errors/cli-error';
import { errorFromProblem } from './problem-error';
import { type ServerAddress } from './server-url';

/**
 * How long reaching the server may take (name lookup, TCP, TLS), and how long a session request
 * (whoami, login, renewal: the first exchange of every command) may wait for its answer: a server
 * that does not answer ends the command with exit 7 within 5 s of its start.
 */
export const ANSWER_TIMEOUT_MS = 4000;
/**
 * How long a session request waits for its answer before the command asks the server's
 * `GET /healthz`, on a connection of its own, whether the process lives. One that answers is busy
 * (the request waits on a row other commands hold, say): the request then waits like any other,
 * up to IDLE_TIMEOUT_MS of silence. One that does not answer either is exit 7 at ANSWER_TIMEOUT_MS.
 */
export const PROBE_AFTER_MS = 1000;
/**
 * How long a connection may stay silent once a request is under way: longer than the server's
 * own limit on one statement (30 s), after which it answers 503 itself.
 */
export const IDLE_TIMEOUT_MS = 45_000;

export interface ServerRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path with its parameters filled in, e.g. `/v1/clients/12`. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** A JSON body. */
  json?: unknown;
  /** A streamed body (a CSV upload), sent as it is read. */
  upload?: { stream: NodeJS.ReadableStream; contentType: string };
  /**
   * A request the server answers at once (the session's): its answer, not only the connection,
   * must come within ANSWER_TIMEOUT_MS. Others may work longer, up to IDLE_TIMEOUT_MS of silence.
   */
  prompt?: boolean;
}

/**
 * One server, over `node:http` / `node:https` (not `fetch`, whose undici costs every command tens of
 * milliseconds to load), with one kept-alive connection per command. Every failure to reach or hear
 * the server is exit 7 naming it; an answer that is a problem document becomes the `CliError` the
 * server's services threw.
 */
export class ServerConnection {
  private readonly agent: http.Agent;

  /** A connection made before this one existed, not yet used by a request. */
  private accepted?: Socket;

  /**
   * `tenant`: the slug of the tenant the session logged in to, sent as `X-Tenant-ID` with every
   * request that carries a token; the server refuses the request (403) when the token is of another.
   * `accepted`: a connection the server took already (the kept-open process's, made while choosing
   * it), on which the first request goes.
   */
  constructor(
    readonly server: ServerAddress,
    private readonly tenant?: string,
    accepted?: Socket,
  ) {
    const secure = server.url.protocol === 'https:';
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 1 }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
    if (accepted) {
      this.accepted = accepted;
      const connect = this.agent.createConnection.bind(this.agent);
      this.agent.createConnection = (options, callback) => {
        const socket = this.accepted;
        this.accepted = undefined;
        return socket && !socket.destroyed ? socket.ref() : connect(options, callback);
      };
    }
  }

  /** The response once its status is a success (2xx), its body not yet read; a problem otherwise, thrown as its CliError. */
  async send(request: ServerRequest): Promise<http.IncomingMessage> {
    const response = await this.exchange(request);
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return response;
    throw await this.failure(response);
  }

  /** The response's JSON body, of a request that must succeed. */
  async json<T>(request: ServerRequest): Promise<T> {
    const response = await this.send(request);
    const text = await this.readText(response);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw unavailable(`the server at ${this.server.origin} answered ${request.method} ${request.path} with a body that is not JSON`, 'is EPICEVENTS_SERVER the address of an epicevents server?');
    }
  }

  /** The body as text, through the same failures as the request (a connection cut while it is read is exit 7). */
  readText(response: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', (error) => reject(this.connectionFailure(error)));
      response.on('aborted', () => reject(this.connectionFailure(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))));
    });
  }

  /** Reading a streamed response: its chunks as they arrive, a cut connection as exit 7. */
  async *chunks(response: http.IncomingMessage): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of response) yield chunk as Buffer;
    } catch (error) {
      throw this.connectionFailure(error);
    }
    if (!response.complete) throw this.connectionFailure(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  }

  close(): void {
    this.accepted?.destroy();
    this.agent.destroy();
  }

  private exchange(request: ServerRequest): Promise<http.IncomingMessage> {
    const url = new URL(request.path, this.server.url);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const body = request.json === undefined ? undefined : Buffer.from(JSON.stringify(request.json));
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json, application/problem+json' };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    if (request.token && this.tenant) headers['x-tenant-id'] = this.tenant;
    if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': body.length });
    if (request.upload) headers['content-type'] = request.upload.contentType;
    const client = url.protocol === 'https:' ? https : http;

    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown, asIs = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        outgoing.destroy();
        reject(asIs ? error : this.connectionFailure(error));
      };
      const outgoing = client.request(url, { method: request.method, headers, agent: this.agent, socketPath: this.server.socketPath }, (response) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        resolve(response);
      });
      const connectTimer = setTimeout(() => fail(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })), ANSWER_TIMEOUT_MS);
      if (request.prompt) {
        // The timer runs until the answer, unless the server shows it lives.
        const probe = new AbortController();
        const probeTimer = setTimeout(() => {
          void this.alive(ANSWER_TIMEOUT_MS - PROBE_AFTER_MS, probe.signal).then((alive) => {
            if (alive) clearTimeout(connectTimer);
          });
        }, PROBE_AFTER_MS);
        const stopProbe = () => {
          clearTimeout(probeTimer);
          probe.abort();
        };
        outgoing.once('response', stopProbe);
        outgoing.once('close', stopProbe);
      }
      outgoing.on('socket', (socket) => {
        if (request.prompt) return; // the timer runs until the answer, or until /healthz answers
        const connected = () => clearTimeout(connectTimer);
        // A kept-alive socket is connected already; a new one says so once TCP (and TLS) are up.
        if (!socket.connecting) connected();
        else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
      });
      outgoing.setTimeout(IDLE_TIMEOUT_MS, () => fail(Object.assign(new Error('silent'), { code: 'ESILENT' })));
      outgoing.on('error', fail);
      if (request.upload) {
        const source = request.upload.stream;
        // The upload's own failure (a file that cannot be read) is not the server's.
        source.on('error', (error) => fail(error, true));
        source.pipe(outgoing);
      } else {
        outgoing.end(body);
      }
    });
  }

  /**
   * Whether the server's `GET /healthz` answers 200 within `timeoutMs`, on a connection of its own
   * (the command's is busy); false as well once `signal` aborts it (the answer it waited for came).
   */
  private alive(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const url = new URL('/healthz', this.server.url);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const probe = client.get(url, { agent: false, timeout: timeoutMs, signal, socketPath: this.server.socketPath }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      probe.on('timeout', () => probe.destroy());
      probe.on('error', () => resolve(false));
    });
  }

  /** A refusal: the problem document as the services' error, or exit 7 when the answer is not one. */
  private async failure(response: http.IncomingMessage): Promise<CliError> {
    const status = response.statusCode ?? 0;
    const text = await this.readText(response);
    if (/^application\/problem\+json\b/.test(response.headers['content-type'] ?? '')) {
      const error = errorFromProblem(text);
      if (error) return error;
    }
    // The request line or headers too long for the server: what the command was given is too long, not the server's fault.
    if (status === 414 || status === 431) {
      return usageError(`the request is too long for the server at ${this.server.origin} (${status} ${http.STATUS_CODES[status]})`, 'give shorter values');
    }
    return unavailable(
      `the server at ${this.server.origin} answered ${status} ${http.STATUS_CODES[status] ?? ''}`.trimEnd(),
      status >= 500 ? 'try again later; if it lasts, tell the administrator of the server' : 'is EPICEVENTS_SERVER the address of an epicevents server?',
    );
  }

  /** Not reaching the server, or losing it mid-request: exit 7, one line naming it. */
  connectionFailure(error: unknown): CliError {
    if (error instanceof CliError) return error;
    const { code, message } = error as NodeJS.ErrnoException;
    const origin = this.server.origin;
    if (code && CERTIFICATE_FAILURES.has(code)) {
      return unavailable(
        `the certificate of ${origin} cannot be verified (${code})`,
        'if the server uses a private certificate authority, set NODE_EXTRA_CA_CERTS to its certificate file',
      );
    }
    const reason = (code && CONNECTION_FAILURES[code]) ?? message.split('\n')[0];
    const hint = this.server.socketPath
      ? 'it is the process that keeps the embedded database open (its pid is in server.json beside the socket): if it hangs, end it, and the next command opens the database itself'
      : 'check that it is running and that EPICEVENTS_SERVER or `epicevents login --server` names it';
    return unavailable(`cannot reach the epicevents server at ${origin}: ${reason}`, hint);
  }
}

const CONNECTION_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was cut before the answer was complete',
  EPIPE: 'the connection was cut before the answer was complete',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'the host name cannot be resolved now',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: `no answer within ${ANSWER_TIMEOUT_MS / 1000} s`,
  ESILENT: `the server went silent for ${IDLE_TIMEOUT_MS / 1000} s`,
  EPROTO: 'the server does not speak this protocol (http to an https server, or the reverse?)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak https here (is it plain http?)',
};

const CERTIFICATE_FAILURES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
