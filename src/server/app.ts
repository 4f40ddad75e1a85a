import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController, type RouteHandlerMethod } from 'fastify';
import ValidatorSelector from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import swagger from '@fastify/swagger';
import { type TokenSettings } from '../auth/session.service';
import { collectingBusinessEvents, takeBusinessEvents } from '../observability/business-events';
import { reportBusinessEvents } from '../observability/sentry';
import { installBearerAuthentication } from './caller';
import { LoginThrottle } from './login-throttle';
import { installProblemHandlers, PROBLEM_SCHEMA } from './problem';
import { type RequestDatabase } from './request-database';
import { authRoutes } from './routes/auth';
import { healthRoutes } from './routes/health';
import { platformRoutes } from './routes/platform';
import { resourceRoutes } from './routes/resources';
import { signupRoutes } from './routes/signup';

export interface AppOptions {
  database: RequestDatabase;
  tokens: TokenSettings;
  /** The database's URL, for translating its errors (never logged nor sent). */
  databaseUrl?: string;
  env: NodeJS.ProcessEnv;
  /** Where the request log goes (stderr); none for an app that only describes itself. */
  logStream?: NodeJS.WritableStream;
  https?: { cert: Buffer; key: Buffer };
  /** Behind one reverse proxy: the client's address and protocol come from the X-Forwarded-* headers it sets. */
  trustProxy?: boolean;
  /** `serve --allow-signup`: POST /v1/signup creates companies (refused with 403 otherwise). */
  allowSignup?: boolean;
}

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Log fields that could hold a secret if a future log call ever included them: cut before the
 * line is written. The request line itself carries none (method, route, status, duration, ids).
 */
const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'body',
  'req.body',
  'password',
  '*.password',
  'currentPassword',
  'newPassword',
  'accessToken',
  'refreshToken',
  '*.accessToken',
  '*.refreshToken',
  'databaseUrl',
];

/**
 * Fastify's own compilers (Ajv for requests, fast-json-stringify for answers), each route's run on
 * that route's first request instead of at start: compiling the schemas of every route took most
 * of a server's start (about 1.3 of 2.5 s), which the process that keeps the embedded database
 * open between a person's commands must not make them wait for (docs/performance.md).
 */
function lazyCompilers() {
  const validators = ValidatorSelector();
  const serializers = SerializerSelector();
  return {
    buildValidator: (...args: Parameters<typeof validators>) => {
      const compile = validators(...args);
      return (route: Parameters<typeof compile>[0]) => {
        let validate: ReturnType<typeof compile> | undefined;
        // Fastify reads a failed validation's errors from the function it called.
        const lazy = Object.assign((data: unknown) => {
          validate ??= compile(route);
          const valid = validate(data);
          lazy.errors = validate.errors;
          return valid;
        }, { errors: undefined as ReturnType<typeof compile>['errors'] });
        // Ajv's type also names the compiled schema, which Fastify never reads.
        return lazy as unknown as ReturnType<typeof compile>;
      };
    },
    buildSerializer: (...args: Parameters<typeof serializers>) => {
      const compile = serializers(...args);
      return (route: Parameters<typeof compile>[0]) => {
        let serialize: ReturnType<typeof compile> | undefined;
        return (doc: unknown) => (serialize ??= compile(route))(doc);
      };
    },
  };
}

/** The API: every route, its schemas (which validate requests and make the OpenAPI document), errors as problem+json. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logStream ? { level: 'info', stream: options.logStream, redact: { paths: REDACTED_LOG_PATHS, censor: '[Filtered]' } } : false,
    // One line per request, written when it ends (onResponse below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT_BYTES,
    // One proxy in front (the peer): the client is the address it appended, not whatever a client
    // wrote before it. Only the proxy must be able to reach the server then (README).
    trustProxy: options.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    ...(options.https ? { https: options.https } : {}),
    // A member a route does not know is refused (400 naming it), as the CLI refuses an unknown flag.
    ajv: { customOptions: { removeAdditional: false } },
    schemaController: { compilersFactory: lazyCompilers() },
  }) as unknown as FastifyInstance;

  // JSON only (CSV routes add their own parser): a text/plain body is a 415, not a string.
  app.removeContentTypeParser('text/plain');
  app.addSchema(PROBLEM_SCHEMA);
  installProblemHandlers(app, { databaseUrl: options.databaseUrl, env: options.env });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // An answer sent before the request's body was all read (an upload refused at once, an import
  // ended by an error): the client may still be sending it, and on a kept-alive connection the
  // server would read and discard the rest (up to 100 MiB) before the next request. Closing says
  // "stop sending"; a client opens a new connection for its next request.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.raw.complete) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        actorId: request.actorId ?? null,
        // A platform route acts for an operator, not an employee.
        ...(request.operator ? { operatorId: request.operator.operator.id } : {}),
      },
      'request',
    );
  });
  installBearerAuthentication(app, options.database, options.tokens.secret);
  reportBusinessEventsOfEachRoute(app, options.env);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'epicevents API',
        // The API's version (its path prefix), which the package's releases do not change.
        version: '1',
        description:
          'The services of the epicevents CRM over HTTP, with the permissions enforced on the server. Errors are RFC 9457 problem documents. ' +
          'A request with a token may send `X-Tenant-ID: <tenant slug>`: 403 when the token is of another tenant, 400 when it is not a slug; the request always works in the token\'s tenant.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'authentication', description: 'logins, tokens, the first account' },
        { name: 'health', description: 'for load balancers and orchestrators' },
        { name: 'employees', description: 'accounts and roles (changes: MANAGEMENT)' },
        { name: 'clients', description: 'the clients of the SALES team, and their CSV import' },
        { name: 'contracts', description: 'contracts, signatures and payments' },
        { name: 'events', description: 'the events of signed contracts, and their support' },
        { name: 'notifications', description: 'what happened that concerns you' },
        { name: 'audit', description: 'who changed what (MANAGEMENT)' },
        { name: 'report', description: 'the dashboard of your role' },
        { name: 'tenant', description: "your company's account: plan, status, limits and usage" },
        { name: 'csv', description: 'lists as CSV files, streamed' },
        { name: 'signup', description: 'a new company and its first manager (when the server allows it)' },
        { name: 'platform', description: "the platform operator's: tenants and counts, never a tenant's records (platform tokens only)" },
      ],
    },
    // Shared schemas keep their own names in the document (`#/components/schemas/Problem`).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  healthRoutes(app, options.database);
  const loginThrottle = new LoginThrottle();
  authRoutes(app, { database: options.database, tokens: options.tokens, throttle: loginThrottle });
  signupRoutes(app, { database: options.database, allowSignup: options.allowSignup === true });
  platformRoutes(app, { database: options.database, tokens: options.tokens, throttle: loginThrottle });
  resourceRoutes(app, { database: options.database, problems: { databaseUrl: options.databaseUrl, env: options.env } });
  app.get('/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  return app;
}

/**
 * Business events (an employee created, a contract signed…) are collected per request and sent to
 * Sentry only when its handler succeeded, as a command sends them only when it exits 0.
 */
function reportBusinessEventsOfEachRoute(app: FastifyInstance, env: NodeJS.ProcessEnv): void {
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function collecting(request, reply) {
      return collectingBusinessEvents(async () => {
        const result = await handler.call(this, request, reply);
        await reportBusinessEvents(takeBusinessEvents(), { env, commandName: 'serve', actorId: request.actorId, requestId: request.id, route: request.routeOptions.url });
        return result;
      });
    };
  });
}
