import { type FastifyInstance } from 'fastify';
import { type Actor } from '../../auth/actor';
import {
  bootstrapFirstManager,
  changePassword,
  isInitialised,
  login,
  logout,
  refreshSession,
  refreshTokenTenant,
  refuseLoginToUnknownTenant,
  type Session,
  type TokenSettings,
} from '../../auth/session.service';
import { type Database } from '../../database/database';
import { currentTenant, inTenant, tenantBySlug } from '../../database/tenant-scope';
import { PLANS } from '../../domain/plans';
import { DEFAULT_TENANT, TENANT_STATUSES } from '../../domain/tenancy';
import { CliError, unavailable } from '../../errors/cli-error';
import { ROLES } from '../../entities/employee.entity';
import { countUnread } from '../../services/notification.service';
import { parseEmail } from '../../validation/parse';
import { parseFirstName, parseLastName } from '../../validation/employee-fields';
import { callerOf, inRequestTransaction } from '../caller';
import { type LoginThrottle } from '../login-throttle';
import { HttpProblem } from '../problem';
import { type RequestDatabase } from '../request-database';
import { errorResponses } from '../schemas';

export interface AuthRouteOptions {
  database: RequestDatabase;
  tokens: TokenSettings;
  throttle: LoginThrottle;
}

export const EMPLOYEE = {
  type: 'object',
  description: 'the logged-in employee, as the database says now',
  required: ['id', 'email', 'firstName', 'lastName', 'role', 'mustChangePassword'],
  properties: {
    id: { type: 'integer' },
    email: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    mustChangePassword: { type: 'boolean', description: 'true until a one-time password is changed: only whoami, logout and password change are served' },
  },
} as const;

const SESSION = {
  type: 'object',
  required: ['accessToken', 'refreshToken', 'accessExpiresAt', 'refreshExpiresAt', 'employee', 'unreadNotifications'],
  properties: {
    accessToken: { type: 'string', description: 'for `Authorization: Bearer`; short-lived (EPICEVENTS_ACCESS_TTL)' },
    refreshToken: { type: 'string', description: 'for POST /v1/auth/refresh, once: each use rotates it' },
    accessExpiresAt: { type: 'string', format: 'date-time' },
    refreshExpiresAt: { type: 'string', format: 'date-time' },
    employee: EMPLOYEE,
    unreadNotifications: { type: 'integer' },
  },
} as const;

const TOKEN_SECURITY = [{ bearer: [] }];

interface LoginBody {
  email: string;
  password: string;
  tenant?: string;
}
interface RefreshBody {
  refreshToken: string;
}
interface PasswordBody {
  currentPassword: string;
  newPassword: string;
}
interface InitBody {
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

const stringField = (description: string) => ({ type: 'string', description }) as const;

/** Login, token renewal, logout, whoami, password change and the first account: the CLI's session commands over HTTP. */
export function authRoutes(app: FastifyInstance, { database, tokens, throttle }: AuthRouteOptions): void {
  const sessionBody = (session: Session, unreadNotifications: number) => ({
    accessToken: session.access.token,
    refreshToken: session.refresh.token,
    accessExpiresAt: session.access.expiresAt.toISOString(),
    refreshExpiresAt: session.refresh.expiresAt.toISOString(),
    employee: employeeBody(session.actor),
    unreadNotifications,
  });
  const unread = (tenantId: number, actorId: number) => database.use((db) => inTenant(db, tenantId).transaction((manager) => countUnread(manager, actorId)));
  /** The tenant `default`: `init` creates its first account, and a login naming no tenant goes there. */
  const defaultTenantId = async (db: Database): Promise<number> => {
    const tenant = await tenantBySlug(db, DEFAULT_TENANT);
    if (!tenant) throw unavailable(`the database has no tenant "${DEFAULT_TENANT}"`, 'run `epicevents db migrate` on the server');
    return tenant.id;
  };

  app.post<{ Body: LoginBody }>(
    '/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['authentication'],
        summary: 'Log in with email and password',
        description:
          'Answers a new login to one tenant (`default` unless named): an access and a refresh token, valid in that tenant only. An unknown tenant, or an email that is not of the tenant, is refused as a wrong password. 5 wrong passwords in a row lock the account for 15 minutes; besides, failed logins are limited per client address and per email (429 with Retry-After).',
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: {
            email: stringField('the employee\'s email'),
            password: stringField('the password'),
            tenant: stringField(`the slug of the employee's company; "${DEFAULT_TENANT}" when absent`),
          },
        },
        response: { 200: SESSION, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const email = parseEmail(request.body.email, { field: 'email' });
      const retryAfter = throttle.retryAfterSeconds(request.ip, email);
      if (retryAfter > 0) {
        throw new HttpProblem(429, 'unauthenticated', `too many failed logins; try again in ${retryAfter} seconds`, { headers: { 'retry-after': String(retryAfter) } });
      }
      let session: Session;
      try {
        // Not inside a transaction of the request: a wrong password's count must stick although the login fails.
        session = await database.use(async (db) => {
          const tenant = await tenantBySlug(db, request.body.tenant ?? DEFAULT_TENANT);
          if (!tenant) return refuseLoginToUnknownTenant(request.body.password);
          return login(inTenant(db, tenant.id), email, request.body.password, tokens);
        });
      } catch (error) {
        if (error instanceof CliError && error.code === 'unauthenticated') throttle.recordFailure(request.ip, email);
        throw error;
      }
      request.actorId = session.actor.id;
      return sessionBody(session, await unread(session.tenantId, session.actor.id));
    },
  );

  app.post<{ Body: RefreshBody }>(
    '/v1/auth/refresh',
    {
      config: { public: true },
      schema: {
        tags: ['authentication'],
        summary: 'Trade a refresh token for a new pair',
        description: 'Each refresh token works once. Presenting one that was already used means it was copied: the whole login is revoked (401), for its thief and its owner.',
        body: { type: 'object', required: ['refreshToken'], additionalProperties: false, properties: { refreshToken: stringField('the refresh token of the last login or renewal') } },
        response: { 200: SESSION, ...errorResponses(400, 401, 503) },
      },
    },
    async (request) => {
      const tenantId = refreshTokenTenant(tokens.secret, request.body.refreshToken);
      const session = await database.use((db) => refreshSession(inTenant(db, tenantId), request.body.refreshToken, tokens));
      request.actorId = session.actor.id;
      return sessionBody(session, await unread(session.tenantId, session.actor.id));
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      config: { allowPendingPasswordChange: true, allowTenantOutOfService: true },
      schema: {
        tags: ['authentication'],
        summary: 'End the login of this access token',
        description: 'Revokes the login server-side: its refresh token and every access token of it stop working at once. With an expired access token, renew it first.',
        security: TOKEN_SECURITY,
        response: { 200: { type: 'object', required: ['loggedOut'], properties: { loggedOut: { type: 'boolean', const: true } } }, ...errorResponses(401, 503) },
      },
    },
    async (request) => {
      const { actor, tenantId, familyId } = callerOf(request);
      await database.use((db) => logout(inTenant(db, tenantId), actor, familyId));
      return { loggedOut: true };
    },
  );

  app.get(
    '/v1/auth/whoami',
    {
      config: { allowPendingPasswordChange: true, allowTenantOutOfService: true, callerInTransaction: true },
      schema: {
        tags: ['authentication'],
        summary: 'Who the access token belongs to',
        security: TOKEN_SECURITY,
        response: {
          200: {
            type: 'object',
            required: [...EMPLOYEE.required, 'tenant', 'tokenExpiresAt', 'unreadNotifications'],
            properties: {
              ...EMPLOYEE.properties,
              tenant: { type: 'string', description: 'the slug of the tenant the token works in' },
              tenantStanding: {
                type: 'object',
                description: "the tenant's plan and status, as the database says now (the CLI refuses a command of a module the plan lacks before sending it)",
                required: ['plan', 'status', 'trialEnded'],
                properties: { plan: { type: 'string', enum: [...PLANS] }, status: { type: 'string', enum: [...TENANT_STATUSES] }, trialEnded: { type: 'boolean' } },
              },
              tokenExpiresAt: { type: 'string', format: 'date-time' },
              unreadNotifications: { type: 'integer' },
            },
          },
          ...errorResponses(401, 503),
        },
      },
    },
    async (request) => {
      // The first request of every command in server mode: the caller's re-read is its transaction's first statement.
      return inRequestTransaction(request, database, async (sql, { actor, accessExpiresAt }) => ({
        ...employeeBody(actor),
        tenant: (await currentTenant(sql)).slug,
        tenantStanding: actor.tenantStanding,
        tokenExpiresAt: accessExpiresAt.toISOString(),
        unreadNotifications: await countUnread(sql.manager, actor.id),
      }));
    },
  );

  app.post<{ Body: PasswordBody }>(
    '/v1/auth/password',
    {
      config: { allowPendingPasswordChange: true },
      schema: {
        tags: ['authentication'],
        summary: 'Change your own password',
        description: 'Ends the account\'s other logins. A wrong current password counts towards the lockout like a failed login.',
        security: TOKEN_SECURITY,
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: { currentPassword: stringField('the password now'), newPassword: stringField('at least 12 characters, not a common one') },
        },
        response: { 200: { type: 'object', required: ['changed'], properties: { changed: { type: 'boolean', const: true } } }, ...errorResponses(400, 401, 503) },
      },
    },
    async (request) => {
      const { actor, tenantId, familyId } = callerOf(request);
      await database.use((db) => changePassword(inTenant(db, tenantId), actor, familyId, request.body.currentPassword, request.body.newPassword));
      return { changed: true };
    },
  );

  app.get(
    '/v1/init',
    {
      config: { public: true },
      schema: {
        tags: ['authentication'],
        summary: 'Whether the first account is still to be created',
        description: '`epicevents init` asks this before asking its questions, so it can refuse at once when the server already has its employees.',
        response: {
          200: {
            type: 'object',
            required: ['initialised'],
            properties: { initialised: { type: 'boolean', description: 'true once any employee exists: POST /v1/init then answers 409' } },
          },
          ...errorResponses(503),
        },
      },
    },
    async () => ({ initialised: await database.use(async (db) => inTenant(db, await defaultTenantId(db)).transaction((manager) => isInitialised(manager))) }),
  );

  app.post<{ Body: InitBody }>(
    '/v1/init',
    {
      config: { public: true },
      schema: {
        tags: ['authentication'],
        summary: 'Create the first MANAGEMENT account',
        description: 'In the tenant `default`, only while it has no employee (409 afterwards); parallel calls create one account.',
        body: {
          type: 'object',
          required: ['firstName', 'lastName', 'email', 'password'],
          additionalProperties: false,
          properties: {
            firstName: stringField('at most 100 characters'),
            lastName: stringField('at most 100 characters'),
            email: stringField('used to log in'),
            password: stringField('at least 12 characters, not a common one'),
          },
        },
        response: { 201: EMPLOYEE, ...errorResponses(400, 409, 503) },
      },
    },
    async (request, reply) => {
      const input = {
        firstName: parseFirstName(request.body.firstName, { field: 'firstName' }),
        lastName: parseLastName(request.body.lastName, { field: 'lastName' }),
        email: parseEmail(request.body.email, { field: 'email' }),
        password: request.body.password,
      };
      const actor = await database.use(async (db) => bootstrapFirstManager(inTenant(db, await defaultTenantId(db)), input));
      request.actorId = actor.id;
      reply.code(201);
      return employeeBody(actor);
    },
  );
}

export function employeeBody(actor: Actor) {
  return { id: actor.id, email: actor.email, firstName: actor.firstName, lastName: actor.lastName, role: actor.role, mustChangePassword: actor.mustChangePassword };
}
