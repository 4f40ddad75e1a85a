import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type Actor, assertTenantInService } from '../auth/actor';
import { assertNoPasswordChangeDue, callerFromClaims } from '../auth/current-actor';
import { type PlatformOperator, platformCaller } from '../auth/platform-session.service';
import { ExpiredTokenError, verifyPlatformToken, verifyToken } from '../auth/tokens';
import { unauthenticated } from '../errors/cli-error';
import { notifyUpcomingEvents } from '../services/notification.service';
import { joinTransaction } from '../database/sql-runner';
import { inTenant } from '../database/tenant-scope';
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
  }
}

/**
 * Every route needs `Authorization: Bearer <access token>` unless it declares itself public. The
 * token is verified as the CLI verifies it (HS256 pinned, issuer, audience, type, claims), then the
 * caller is resolved by the same function as the CLI's: re-read, active, login not revoked.
 * Runs before the body is read, so an unauthenticated request is refused before anything else.
 */
export function installBearerAuthentication(app: FastifyInstance, database: RequestDatabase, secret: string): void {
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
    // In the token's tenant, never one the request names: the employee is visible only there.
    const actor = await database.use((db) => callerFromClaims(inTenant(db, claims.tid), claims));
    request.actorId = actor.id;
    // The tenant first: a password change is refused too while the tenant is out of service.
    if (!config.allowTenantOutOfService) assertTenantInService(actor);
    if (!config.allowPendingPasswordChange) assertNoPasswordChangeDue(actor);
    if (Date.now() - (remindersPostedAt.get(claims.tid) ?? 0) >= REMINDER_INTERVAL_MS) {
      remindersPostedAt.set(claims.tid, Date.now());
      await database.use((db) => inTenant(db, claims.tid).transaction((manager) => notifyUpcomingEvents(joinTransaction(manager))));
    }
    request.caller = { actor, tenantId: claims.tid, familyId: claims.sid, accessExpiresAt: new Date(claims.exp * 1000) };
  });
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

/** The caller of a route that is not public: set by the hook before the handler runs. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error(`route ${request.routeOptions.url} is public but asked for its caller`);
  return request.caller;
}
