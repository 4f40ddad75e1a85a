import { once } from 'node:events';
import { PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CSV_EXPORTS, type CsvExportRoute, type CsvImportRoute, type JsonRoute, type Noun, ROUTES, type WireRequest } from '../../api/routes';
import { type Actor } from '../../auth/actor';
import { type Page, type PageRequest } from '../../backend/backend';
import { inProcessNouns, type Nouns } from '../../backend/in-process';
import { CLIENT_CSV_COLUMNS, CONTRACT_CSV_COLUMNS, type CsvColumn, csvChunks, EVENT_CSV_COLUMNS } from '../../csv/csv-export';
import { type IsolationLevel } from '../../database/sql-runner';
import { type ImportRejection } from '../../services/client-import.service';
import { assertAllowed } from '../../permissions/assert-allowed';
import { inRequestTransaction } from '../caller';
import { HttpProblem, type ProblemOptions, problemFor } from '../problem';
import { type RequestDatabase } from '../request-database';
import { errorResponses } from '../schemas';

const TOKEN_SECURITY = [{ bearer: [] }];
const ERRORS = errorResponses(400, 401, 403, 404, 409, 503);

/**
 * Reads that must see one snapshot: the report's figures agree with each other, and an export's
 * pages with each other. Everything else runs at PostgreSQL's default, READ COMMITTED.
 */
const SNAPSHOT: IsolationLevel = 'REPEATABLE READ';

/** `/v1/clients/{id}` (the catalog's OpenAPI style) → `/v1/clients/:id` (Fastify's). */
const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export interface ResourceRouteOptions {
  database: RequestDatabase;
  problems: ProblemOptions;
}

/**
 * Every route of the catalog (src/api/routes.ts), each one a call of the noun's in-process method
 * as the request's caller, inside one transaction per request. The routes hold no rule, check or
 * validation of their own: the catalog's `decode` runs the domain's parsers, the services do the rest.
 */
export function resourceRoutes(app: FastifyInstance, options: ResourceRouteOptions): void {
  for (const noun of Object.keys(ROUTES) as Noun[]) {
    for (const [method, route] of Object.entries(ROUTES[noun] as Record<string, JsonRoute<Noun, never> | CsvImportRoute>)) {
      if ('contentType' in route) csvImportRoute(app, route, options);
      else jsonRoute(app, noun, method, route, options.database);
    }
  }
  csvExportRoute(app, CSV_EXPORTS.clients, CLIENT_CSV_COLUMNS, (nouns) => nouns.clients.list.bind(nouns.clients), options.database);
  csvExportRoute(app, CSV_EXPORTS.contracts, CONTRACT_CSV_COLUMNS, (nouns) => nouns.contracts.list.bind(nouns.contracts), options.database);
  csvExportRoute(app, CSV_EXPORTS.events, EVENT_CSV_COLUMNS, (nouns) => nouns.events.list.bind(nouns.events), options.database);
}

/**
 * Runs `work` with the nouns acting as the caller, every statement inside one transaction of the
 * request, whose first statement sets the token's tenant (row security then admits only its rows)
 * and re-reads the caller, refused there before `work` runs anything (`inRequestTransaction`).
 */
function asCaller<T>(request: FastifyRequest, database: RequestDatabase, work: (nouns: Nouns, actor: Actor) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
  return inRequestTransaction(request, database, (sql, { actor }) => work(inProcessNouns(async () => ({ db: sql, actor })), actor), isolation);
}

/** The caller of each catalog route is re-read in the request's one transaction (see `asCaller`). */
const CALLER_IN_TRANSACTION = { callerInTransaction: true } as const;

const wireRequest = (request: FastifyRequest): WireRequest => ({
  params: (request.params ?? {}) as Record<string, unknown>,
  query: (request.query ?? {}) as Record<string, unknown>,
  body: (request.body ?? undefined) as Record<string, unknown> | undefined,
});

function jsonRoute(app: FastifyInstance, noun: Noun, method: string, route: JsonRoute<Noun, never>, database: RequestDatabase): void {
  app.route({
    method: route.method,
    url: fastifyPath(route.path),
    config: { ...CALLER_IN_TRANSACTION, allowTenantOutOfService: route.servesTenantOutOfService === true },
    schema: {
      tags: [noun],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: TOKEN_SECURITY,
      ...(route.schema.params ? { params: route.schema.params } : {}),
      ...(route.schema.querystring ? { querystring: route.schema.querystring } : {}),
      ...(route.schema.body ? { body: route.schema.body } : {}),
      response: { [route.status]: route.schema.response, ...ERRORS },
    },
    handler: async (request, reply) => {
      // Decoded before the database is touched: a malformed request costs no transaction.
      const args = route.decode(wireRequest(request)) as unknown[];
      const call = (nouns: Nouns) => (nouns[noun] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method](...args);
      const result = await asCaller(request, database, call, noun === 'report' ? SNAPSHOT : undefined);
      reply.code(route.status);
      return (route.respond as (result: unknown) => unknown)(result);
    },
  });
}

/**
 * The list as CSV, streamed: the first page is read before the answer begins (a refused filter is
 * a problem document), then each page is written when the client has taken the previous one. All
 * pages come from one snapshot; a failure after the answer began cuts it short (no final CRLF
 * chunk), which an HTTP client sees as an incomplete response.
 */
function csvExportRoute<F, T>(
  app: FastifyInstance,
  route: CsvExportRoute<F>,
  columns: CsvColumn<T>[],
  listOf: (nouns: Nouns) => (filters: F, page: PageRequest) => Promise<Page<T>>,
  database: RequestDatabase,
): void {
  app.route({
    method: route.method,
    url: route.path,
    config: CALLER_IN_TRANSACTION,
    schema: {
      tags: ['csv'],
      summary: route.summary,
      description: 'RFC 4180 CSV with a header line, the columns of `export --csv`, streamed page by page.',
      security: TOKEN_SECURITY,
      querystring: route.schema.querystring,
      response: { 200: { description: 'the CSV file', content: { 'text/csv': { schema: { type: 'string' } } } }, ...ERRORS },
    },
    handler: async (request, reply) => {
      const filters = route.decode({ query: wireRequest(request).query });
      const out = new PassThrough();
      let begun = false;
      const started = new Promise<void>((resolve, reject) => {
        const done = asCaller(
          request,
          database,
          async (nouns, actor) => {
            // The list's own check is the read's; the export is CSV's, which a plan may lack.
            assertAllowed(actor, 'csv.export');
            const chunks = csvChunks(columns, (page) => listOf(nouns)(filters, page));
            for await (const chunk of chunks) {
              begun = true;
              resolve();
              if (!out.write(chunk)) await drained(out);
            }
            out.end();
          },
          SNAPSHOT,
        );
        done.catch((error: unknown) => {
          // Before the first chunk: answered as a problem document. After: the answer is cut short.
          if (!begun) reject(error);
          else out.destroy(error instanceof Error ? error : new Error(String(error)));
        });
      });
      await started;
      return reply.code(200).type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${route.path.split('/')[2]}.csv"`).send(out);
    },
  });
}

/** Resolves when the client has taken what was written (or went away, which ends the export). */
async function drained(out: PassThrough): Promise<void> {
  await Promise.race([once(out, 'drain'), once(out, 'close')]);
  if (out.destroyed) throw new Error('the client went away during the export');
}

/**
 * `POST /v1/clients/import`: the file is read as it arrives (never held whole), at most
 * `route.bodyLimitBytes` of it (413 beyond), and the answer is written as the import goes (see the
 * catalog entry for its form).
 */
function csvImportRoute(app: FastifyInstance, route: CsvImportRoute, options: ResourceRouteOptions): void {
  app.register(async (scope) => {
    // The body stays a stream: the import reads it line by line.
    scope.addContentTypeParser(route.contentType, (_request, payload, done) => done(null, payload));
    scope.route({
      method: route.method,
      url: route.path,
      config: CALLER_IN_TRANSACTION,
      bodyLimit: route.bodyLimitBytes,
      schema: {
        tags: ['clients'],
        summary: route.summary,
        description: route.description,
        security: TOKEN_SECURITY,
        querystring: route.schema.querystring,
        consumes: [route.contentType],
        response: { 200: route.schema.response, ...errorResponses(400, 401, 403, 409, 413, 415, 503) },
      },
      handler: async (request, reply) => {
        const { skipInvalid } = route.decode({ query: wireRequest(request).query });
        const declared = Number(request.headers['content-length'] ?? 0);
        if (declared > route.bodyLimitBytes) throw tooLarge(route.bodyLimitBytes);
        // pipeline: a client that goes away mid-upload fails the import (rolled back) instead of leaving it waiting.
        const csv = pipeline(request.body as Readable, byteLimit(route.bodyLimitBytes), () => undefined);
        return streamImport(request, reply, options, (onRejected, onProgress) =>
          asCaller(request, options.database, (nouns) => nouns.clients.import(csv, { skipInvalid, onRejected, onProgress })),
        );
      },
    });
  });
}

const tooLarge = (limit: number) => new HttpProblem(413, 'usage', `the file is larger than the limit of ${limit / 1024 / 1024} MiB`, { hint: 'split it into smaller files' });

/** Passes bytes through until `limit`, then fails with a 413. */
function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > limit ? tooLarge(limit) : null, seen > limit ? undefined : chunk);
    },
  });
}

/**
 * Answers an import as one JSON document written as it goes: `{"batches": [` once the first batch
 * of lines is in the database, then each batch as it is (the lines done so far, its rejections),
 * then the counts, or `"error"` when the import fails after the document began. Until then, a
 * failure is an ordinary problem document.
 */
async function streamImport(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ResourceRouteOptions,
  run: (
    onRejected: (rejections: ImportRejection[]) => void,
    onProgress: (linesDone: number) => Promise<void>,
  ) => Promise<{ lines: number; imported: number; rejectedLines: number; refused: boolean }>,
): Promise<FastifyReply> {
  let out: PassThrough | undefined;
  let rejected: string[] = [];
  const onRejected = (rejections: ImportRejection[]) => {
    rejected.push(...rejections.map((r) => JSON.stringify({ line: r.line, field: r.field, reason: r.reason })));
  };
  // The service reports a batch's rejections, then that the batch is done: one element of `batches`.
  const onProgress = async (linesDone: number) => {
    const batch = `{"lines":${linesDone},"rejected":[${rejected.join(',')}]}`;
    rejected = [];
    if (!out) {
      out = new PassThrough();
      reply.code(200).type('application/json; charset=utf-8').send(out);
      if (!out.write(`{"batches":[${batch}`)) await drained(out);
    } else if (!out.write(`,${batch}`)) await drained(out);
  };
  let summary;
  try {
    summary = await run(onRejected, onProgress);
  } catch (error) {
    if (!out) throw error;
    if (error instanceof HttpProblem) reply.headers(error.headers);
    out.end(`],"error":${JSON.stringify(await problemFor(error, request, options.problems))}}`);
    return reply;
  }
  const counts = JSON.stringify(summary).slice(1); // `"lines":…}`: the members after the batches
  if (!out) return reply.code(200).type('application/json; charset=utf-8').send(`{"batches":[],${counts}`);
  out.end(`],${counts}`);
  return reply;
}
