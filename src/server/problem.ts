import { STATUS_CODES } from 'node:http';
import { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CliError, type ErrorCode, httpStatusFor, jsonPointer, type Message, type MessagePart } from '../errors/cli-error';
import { translateDatabaseError, UnknownConstraintError } from '../database/database-errors';
import { reportUnexpected } from '../observability/sentry';
import { scrubSecrets } from '../observability/scrub';

/** An RFC 9457 problem document, with the CLI's error code (and its hint) as extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  hint?: string;
  /** The member of the request at fault (RFC 6901): of the JSON body, the query string, or a path parameter. */
  pointer?: string;
  /** The input fields `detail` names, by property name: `field` is the one at fault, `relatedField` the other of a rule between two. */
  field?: string;
  relatedField?: string;
  /**
   * `detail` and `hint` as parts, when they name fields: strings, and `{"field": name}` where a
   * field is named, for a client that names fields its own way (the CLI shows its flags).
   * `detail` is the same text with each field written as its property name.
   */
  detailParts?: MessagePart[];
  hintParts?: MessagePart[];
  /** Only on a 500: what to quote to the administrator, who finds it in the server's log. */
  requestId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A refusal that belongs to HTTP rather than to the services (unknown route, too many attempts):
 * its own status, and the CLI's code that means the same (a throttled login is a refused login).
 */
export class HttpProblem extends Error {
  readonly hint?: string;
  readonly pointer?: string;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    extra: { hint?: string; pointer?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
    this.hint = extra.hint;
    this.pointer = extra.pointer;
    this.headers = extra.headers ?? {};
  }
}

/** The JSON Schema of a problem document, shared by every route's error responses. */
export const PROBLEM_SCHEMA = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details; `code` is the error code of the command line (`epicevents help exit-codes`).',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', description: 'always `about:blank`: `code` tells problems apart' },
    title: { type: 'string', description: 'the HTTP status phrase' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'one sentence saying what was wrong' },
    code: { type: 'string', enum: ['usage', 'validation', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'unavailable', 'cancelled', 'internal'] },
    hint: { type: 'string', description: 'how to fix it, when there is something to do' },
    pointer: { type: 'string', description: 'JSON pointer to the member at fault: of the body, the query string or a path parameter' },
    field: { type: 'string', description: 'the input field at fault, by property name' },
    relatedField: { type: 'string', description: 'the other field of a rule between two (`endAt` must be after `startAt`)' },
    detailParts: { type: 'array', description: '`detail` as strings and `{"field": name}` parts', items: { anyOf: [{ type: 'string' }, { type: 'object', required: ['field'], properties: { field: { type: 'string' } } }] } },
    hintParts: { type: 'array', description: '`hint` as strings and `{"field": name}` parts', items: { anyOf: [{ type: 'string' }, { type: 'object', required: ['field'], properties: { field: { type: 'string' } } }] } },
    requestId: { type: 'string', description: 'on a 500 only: quote it to the administrator' },
  },
} as const;

export interface ProblemOptions {
  /** The database's URL, so that its errors are translated the way the CLI translates them. */
  databaseUrl?: string;
  env: NodeJS.ProcessEnv;
}

/** Installs the error and not-found handlers: every failure leaves as problem+json, and only so. */
export function installProblemHandlers(app: FastifyInstance, options: ProblemOptions): void {
  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, problemFrom(new HttpProblem(404, 'not_found', `no such route: ${request.method} ${routeText(request)}`, { hint: 'the routes are listed in GET /v1/openapi.json' }), options));
  });
  app.setErrorHandler(async (caught: unknown, request, reply) => {
    if (caught instanceof HttpProblem) reply.headers(caught.headers);
    sendProblem(reply, await problemFor(caught, request, options));
  });
}

/**
 * The problem document of any failure of a request: a known one as it is, a bug as a 500 that
 * carries only the request id (the details go to the log and to Sentry, never to the client).
 * Also for a failure after a streamed answer began, which then ends with it.
 */
export async function problemFor(caught: unknown, request: FastifyRequest, options: ProblemOptions): Promise<Problem> {
  const error = translateDatabaseError(caught, options.databaseUrl);
  const known = knownProblem(error);
  if (known) return problemFrom(known, options);
  request.log.error({ err: scrubbedError(error, options.env) }, 'unexpected error');
  await reportUnexpected(error, { env: options.env, commandName: 'serve', actorId: request.caller?.actor.id, requestId: request.id, route: request.routeOptions.url });
  return {
    type: 'about:blank',
    title: STATUS_CODES[500] as string,
    status: 500,
    detail: `unexpected error; the administrator can find it in the server's log by its request id, ${request.id}`,
    code: 'internal',
    requestId: request.id,
  };
}

/** The problem a failure stands for, when it is one the client can understand or fix. */
function knownProblem(error: unknown): CliError | HttpProblem | undefined {
  if (error instanceof CliError || error instanceof HttpProblem) return error;
  const fastify = error as Partial<FastifyError> | undefined;
  if (fastify?.validation) return validationProblem(fastify as FastifyError);
  switch (fastify?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'usage', 'unsupported content type: this route takes application/json', { hint: 'send the body with `Content-Type: application/json`' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(413, 'usage', 'the request body is larger than the limit of 1 MiB');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpProblem(400, 'validation', 'the request body is not valid JSON', { hint: 'send one JSON object' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem(400, 'validation', 'the request body is empty', { hint: 'send one JSON object' });
  }
  // Fastify's other refusals of a malformed request (a bad Content-Length, a bad URL): fixed texts of its own.
  const status = fastify?.statusCode;
  if (typeof fastify?.code === 'string' && fastify.code.startsWith('FST_') && status && status >= 400 && status < 500) {
    return new HttpProblem(status, 'usage', `the request was refused: ${fastify.message ?? STATUS_CODES[status]}`);
  }
  return undefined;
}

/** A body, query or parameter that its route's schema refuses: the first fault, named by a JSON pointer. */
function validationProblem(error: FastifyError): HttpProblem {
  const [first] = error.validation ?? [];
  const params = (first?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
  const base = first?.instancePath ?? '';
  let pointer = base;
  let reason = first?.message ?? 'is not valid';
  if (first?.keyword === 'required' && params.missingProperty) {
    pointer = `${base}/${escapePointer(params.missingProperty)}`;
    reason = 'is required';
  } else if (first?.keyword === 'additionalProperties' && params.additionalProperty) {
    pointer = `${base}/${escapePointer(params.additionalProperty)}`;
    reason = 'is not a field of this request';
  }
  const part = error.validationContext ?? 'body';
  const where = part === 'body' ? (pointer || 'the body') : `${PART_NAMES[part] ?? part} ${pointer || ''}`.trim();
  return new HttpProblem(400, 'validation', `${where} ${reason}`, {
    hint: 'the request schemas are in GET /v1/openapi.json',
    pointer: pointer || undefined,
  });
}

const PART_NAMES: Record<string, string> = { querystring: 'the query parameter', params: 'the path parameter', headers: 'the header' };

/** RFC 6901: `~` and `/` inside a member name. */
const escapePointer = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');

function problemFrom(error: CliError | HttpProblem, options: ProblemOptions): Problem {
  const status = error instanceof HttpProblem ? error.status : httpStatusFor(error.code);
  // Messages are written for users already; scrubbing is the last guard against a driver quoting a secret.
  const scrub = (text: string) => scrubSecrets(text, options.env);
  const problem: Problem = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: scrub(error instanceof UnknownConstraintError ? UnknownConstraintError.PUBLIC_MESSAGE : error.message),
    code: error.code,
  };
  if (error.hint) problem.hint = scrub(error.hint);
  if (error instanceof HttpProblem && error.pointer !== undefined) problem.pointer = error.pointer;
  if (error instanceof CliError) {
    const scrubParts = (parts: MessagePart[]) => parts.map((part) => (typeof part === 'string' ? scrub(part) : part));
    const namesFields = (message: Message | undefined): message is MessagePart[] => Array.isArray(message) && message.some((part) => typeof part !== 'string');
    if (namesFields(error.text)) problem.detailParts = scrubParts(error.text);
    if (namesFields(error.hintText)) problem.hintParts = scrubParts(error.hintText);
    if (error.field !== undefined) {
      problem.pointer = jsonPointer(error.field);
      problem.field = error.field;
    }
    if (error.relatedField !== undefined) problem.relatedField = error.relatedField;
  }
  return problem;
}

function sendProblem(reply: FastifyReply, problem: Problem): void {
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="epicevents"');
  // Serialised here: a route's response schema must not reshape (or strip) an error.
  reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The path of a request, without its query string (which may carry anything), cut short and scrubbed. */
function routeText(request: FastifyRequest): string {
  const path = request.url.split('?')[0];
  return scrubSecrets(path.length > 200 ? `${path.slice(0, 200)}…` : path, {});
}

/** What the log keeps of an unexpected error: its type, message and stack, without secrets. */
function scrubbedError(error: unknown, env: NodeJS.ProcessEnv): { type: string; message: string; stack?: string } {
  const e = error instanceof Error ? error : new Error(String(error));
  return { type: e.name, message: scrubSecrets(e.message, env), stack: e.stack ? scrubSecrets(e.stack, env) : undefined };
}
