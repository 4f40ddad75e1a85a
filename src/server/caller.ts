import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type Actor, assertTenantInService } from '../auth/actor';
import { assertNoPasswordChangeDue, callerFromRow, withCaller } from '../auth/current-actor';
import { type PlatformOperator, platformCaller } from '../auth/platform-session.service';
import { ExpiredTokenError, type TokenClaims, verifyPlatformToken, verifyToken } from '../auth/tokens';
import { unauthenticated } from '../errors/cli-error';
import { notifyUpcomingEvents } from '../services/notification.service';
import { type IsolationLevel, joinTransaction, type SqlRunner } from '../database/sql-runner';
import { StartQuery, type StartRow } from '../database/start-query';
import { inTenant, tenantStart } from '../database/tenant-scope';
import { type RequestDatabase } from './request-database';
import { assertTenantHeader } from './tenant-header';

/**
 * The notifications of events starting within 7 days are due whenever somebody works: a command
 * posts them once, and the server at most once a minute. Looking for them costs a few milliseconds
 * at a million events, which every request would otherwise pay (they are idempotent: a minute
 * late is the only difference).
 */
const REMINDER_INTERVAL_MS = 60_000;

/** The employee behind a request's access token, as the database says now. */
export interface Caller {
  actor: Actor;
  /** The tenant of the token (`tid`), which every transaction of the request sets first. */
  tenantId: number;
  /** The login (refresh-token family) of the token. */
  familyId: string;
  accessExpiresAt: Date;
}

/** The platform operator behind a request to `/v1/platform/...`, and its login. */
export interface OperatorCaller {
  operator: PlatformOperator;
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token's claims, set by the hook on every route that is neither public nor a platform one. */
    claims?: TokenClaims;
    caller?: Caller;
    operator?: OperatorCaller;
    /** The employee a request acts for, for the log: the caller, or the account that just logged in. */
    actorId?: number;
  }
  interface FastifyContextConfig {
    /** Served without a token (login, refresh, init, health, the OpenAPI document). */
    public?: boolean;
    /** Served while the caller's one-time password is still to be changed (whoami, logout, password). */
    allowPendingPasswordChange?: boolean;
    /** Served while the caller's tenant is out of service: trial ended, suspended, cancelled (whoami, logout, tenant). */
    allowTenantOutOfService?: boolean;
    /** The platform operator's (`/v1/platform/...`): a platform token only, never an employee's. */
    platform?: boolean;
    /**
     * The route does all its work in `inRequestTransaction`, whose first statement re-reads the
     * caller: the hook then only verifies the token (no transaction of its own for the re-read).
     */
    callerInTransaction?: boolean;
  }
}

/**
 * Every route needs `Authorization: Bearer <access token>` unless it declares itself public. The
 * token is verified as the CLI verifies it (HS256 pinned, issuer, audience, type, claims), before
 * the body is read, so a request without a valid token is refused before anything else. Then the
 * caller is re-read as the CLI re-reads it (active, login not revoked, the tenant's standing) and
 * admitted or refused by `admitCaller`: by the route's own transaction, as its first statement, for
 * a route that runs all its work in one (`callerInTransaction`: one transaction and one pool
 * checkout per request instead of two); here, in a short transaction, for the others (the session
 * routes, whose services open their own transactions) and whenever the tenant's reminders are due.
 */
export function installBearerAuthentication(app: FastifyInstance, database: RequestDatabase, secret: string): void {
  app.decorateRequest('claims', undefined);
  app.decorateRequest('caller', undefined);
  app.decorateRequest('actorId', undefined);
  app.decorateRequest('operator', undefined);
  // By tenant: each company's reminders are its own rows.
  const remindersPostedAt = new Map<number, number>();
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (request.is404 || config.public) return;
    if (config.platform) {
      // A platform token and nothing else: its verification refuses an employee's (type, audience).
      const platformClaims = bearerClaims(request, (token) => verifyPlatformToken(secret, token), 'log in again with `epicevents platform login`');
      request.operator = await database.use((db) => platformCaller(db, platformClaims));
      return;
    }
    const claims = verifiedClaims(request, secret);
    assertTenantHeader(request, claims);
    request.claims = claims;
    const remindersDue = Date.now() - (remindersPostedAt.get(claims.tid) ?? 0) >= REMINDER_INTERVAL_MS;
    if (config.callerInTransaction && !remindersDue) return;
    if (remindersDue) remindersPostedAt.set(claims.tid, Date.now());
    await database.use((db) =>
      db.transactionStartingWith(callerStart(request), async (manager, [row]) => {
        admitCaller(request, row);
        // A statement of its own, not a column of the re-read: planned together, the look for the
        // reminders due got a nested loop over every reminder per event (4 s at a million events,
        // the reminders' statistics out of date), where alone it gets a hash anti join (5 ms).
        if (remindersDue) await notifyUpcomingEvents(joinTransaction(manager));
      }),
    );
  });
}

/**
 * The first statement of a transaction that re-reads the caller of `request`: it sets the token's
 * tenant and re-reads the employee, their login and the tenant's standing (the CLI's `withCaller`).
 * In the token's tenant, never one the request names: the employee is visible only there.
 */
function callerStart(request: FastifyRequest): { sql: string; params: unknown[] } {
  const claims = claimsOf(request);
  return tenantStart(claims.tid, withCaller(new StartQuery(), claims));
}

/**
 * Admits the caller `callerStart` read, or refuses them when they may not be served by this route:
 * account gone or deactivated, login ended (401), tenant out of service, password to change
 * (403/401). A refusal throws inside the transaction, which rolls back having set nothing that
 * outlives it.
 */
function admitCaller(request: FastifyRequest, row: StartRow | undefined): Caller {
  const claims = claimsOf(request);
  const config = request.routeOptions.config;
  const actor = callerFromRow(row ?? {});
  request.actorId = actor.id;
  // The tenant first: a password change is refused too while the tenant is out of service.
  if (!config.allowTenantOutOfService) assertTenantInService(actor);
  if (!config.allowPendingPasswordChange) assertNoPasswordChangeDue(actor);
  request.caller = { actor, tenantId: claims.tid, familyId: claims.sid, accessExpiresAt: new Date(claims.exp * 1000) };
  return request.caller;
}

/**
 * Runs the work of a `callerInTransaction` route in the request's one transaction, in the token's
 * tenant. Its first statement, sent with `START TRANSACTION`, sets the tenant and re-reads the
 * caller (only sets the tenant when the hook read the caller already), so a refused caller is
 * refused before `work` runs anything, and nothing of the refusal outlives the transaction.
 */
export function inRequestTransaction<T>(
  request: FastifyRequest,
  database: RequestDatabase,
  work: (sql: SqlRunner, caller: Caller) => Promise<T>,
  isolation?: IsolationLevel,
): Promise<T> {
  if (!request.routeOptions.config.callerInTransaction) throw new Error(`route ${request.routeOptions.url} does not declare callerInTransaction`);
  const known = request.caller;
  if (known) return database.use((db) => inTenant(db, known.tenantId).transaction((manager) => work(joinTransaction(manager), known), isolation));
  return database.use((db) =>
    db.transactionStartingWith(callerStart(request), (manager, [row]) => work(joinTransaction(manager), admitCaller(request, row)), isolation),
  );
}

function verifiedClaims(request: FastifyRequest, secret: string) {
  return bearerClaims(request, (token) => verifyToken(secret, token, 'access'), 'renew it with POST /v1/auth/refresh, or log in again');
}

function bearerClaims<T>(request: FastifyRequest, verify: (token: string) => T, whenExpired: string): T {
  const match = /^Bearer ([^\s]+)$/i.exec(request.headers.authorization ?? '');
  if (!match) throw unauthenticated('this route needs an access token', 'send `Authorization: Bearer <access token>` (POST /v1/auth/login gives one)');
  try {
    return verify(match[1]);
  } catch (error) {
    if (error instanceof ExpiredTokenError) throw unauthenticated('the access token has expired', whenExpired);
    throw error;
  }
}

/** The operator of a platform route: set by the hook before the handler runs. */
export function operatorOf(request: FastifyRequest): OperatorCaller {
  if (!request.operator) throw new Error(`route ${request.routeOptions.url} is not a platform route but asked for its operator`);
  return request.operator;
}

/** The caller of a route that is not public: set by the hook before the handler runs (`inRequestTransaction` gives it to the others). */
export function callerOf(request: FastifyRequest): Caller {
  if (request.routeOptions.config.callerInTransaction) throw new Error(`route ${request.routeOptions.url} reads its caller in its transaction: use inRequestTransaction`);
  if (!request.caller) throw new Error(`route ${request.routeOptions.url} is public but asked for its caller`);
  return request.caller;
}

function claimsOf(request: FastifyRequest): TokenClaims {
  if (!request.claims) throw new Error(`route ${request.routeOptions.url} is public but asked for its caller`);
  return request.claims;
}
