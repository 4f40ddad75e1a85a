import { type FastifyInstance } from 'fastify';
import { platformLogin, platformLogout, type PlatformOperator } from '../../auth/platform-session.service';
import { type TokenSettings } from '../../auth/session.service';
import { PLANS } from '../../domain/plans';
import { CliError } from '../../errors/cli-error';
import {
  changeTenantPlan,
  changeTenantStatus,
  type CountedTenant,
  createTenantAsOperator,
  extendTrial,
  listTenants,
  platformStats,
  type StatusChange,
  showTenant,
  TENANT_STATUSES,
} from '../../services/platform.service';
import { type CreatedTenant, type TenantRecord } from '../../services/tenant-creation.service';
import { parseFirstName, parseLastName } from '../../validation/employee-fields';
import { parseEmail } from '../../validation/parse';
import { parsePlan, parseTenantName, parseTenantRef, parseTrialDays } from '../../validation/tenant-fields';
import { operatorOf } from '../caller';
import { type LoginThrottle } from '../login-throttle';
import { HttpProblem } from '../problem';
import { type RequestDatabase } from '../request-database';
import { errorResponses } from '../schemas';
import { EMPLOYEE, employeeBody } from './auth';


/** A tenant's JSON shape (the platform's and a sign-up's). */
export const TENANT = {
  type: 'object',
  required: ['id', 'slug', 'name', 'plan', 'status', 'trialEndsAt', 'createdAt'],
  properties: {
    id: { type: 'integer' },
    slug: { type: 'string', description: 'names the tenant at login (`--tenant`)' },
    name: { type: 'string' },
    plan: { type: 'string', enum: [...PLANS] },
    status: { type: 'string', enum: [...TENANT_STATUSES] },
    trialEndsAt: { type: ['string', 'null'], format: 'date-time', description: 'null for a tenant never on trial' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const COUNTED_TENANT = {
  ...TENANT,
  required: [...TENANT.required, 'employees', 'clients'],
  properties: { ...TENANT.properties, employees: { type: 'integer', description: 'how many (a count, never who)' }, clients: { type: 'integer', description: 'how many' } },
} as const;

export const CREATED_TENANT = {
  type: 'object',
  required: ['tenant', 'employee'],
  properties: { tenant: TENANT, employee: { ...EMPLOYEE, description: 'its first MANAGEMENT account' } },
} as const;

export function tenantBody(tenant: TenantRecord) {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    plan: tenant.plan,
    status: tenant.status,
    trialEndsAt: tenant.trialEndsAt?.toISOString() ?? null,
    createdAt: tenant.createdAt.toISOString(),
  };
}

const countedBody = (tenant: CountedTenant) => ({ ...tenantBody(tenant), employees: tenant.employees, clients: tenant.clients });
export const createdBody = ({ tenant, employee }: CreatedTenant) => ({ tenant: tenantBody(tenant), employee: employeeBody(employee) });

const operatorBody = (operator: PlatformOperator) => ({ id: operator.id, email: operator.email, name: operator.name });

const PLATFORM = { platform: true } as const;
const SECURITY = [{ bearer: [] }];
const TAGS = ['platform'];
const stringField = (description: string) => ({ type: 'string', description }) as const;
const REF_PARAMS = { type: 'object', required: ['tenant'], properties: { tenant: stringField("the tenant's slug or id") } } as const;

export interface PlatformRouteOptions {
  database: RequestDatabase;
  tokens: TokenSettings;
  throttle: LoginThrottle;
}

/**
 * The platform operator's API: its login, and tenants (list, show, create, lifecycle, plan, trial)
 * and counts. No route here reads a tenant's records: the services behind it reach tenants only
 * through the functions that answer tenants and numbers.
 */
export function platformRoutes(app: FastifyInstance, { database, tokens, throttle }: PlatformRouteOptions): void {
  app.post<{ Body: { email: string; password: string } }>(
    '/v1/platform/auth/login',
    {
      config: { public: true },
      schema: {
        tags: TAGS,
        summary: 'Log in as a platform operator',
        description: 'Answers a platform token (type `platform`), valid on `/v1/platform/...` only, for 8 hours, with no refresh. Failed logins are limited per address and per email (429).',
        body: { type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: stringField("the operator's email"), password: stringField('the password') } },
        response: {
          200: {
            type: 'object',
            required: ['accessToken', 'expiresAt', 'operator'],
            properties: {
              accessToken: stringField('for `Authorization: Bearer` on the platform routes'),
              expiresAt: { type: 'string', format: 'date-time' },
              operator: { type: 'object', required: ['id', 'email', 'name'], properties: { id: { type: 'integer' }, email: { type: 'string' }, name: { type: ['string', 'null'] } } },
            },
          },
          ...errorResponses(400, 401, 429, 503),
        },
      },
    },
    async (request) => {
      const email = parseEmail(request.body.email, { field: 'email' });
      // Counted apart from the employees' logins (an operator's email may be an employee's too).
      const key = `platform ${email}`;
      const retryAfter = throttle.retryAfterSeconds(request.ip, key);
      if (retryAfter > 0) throw new HttpProblem(429, 'unauthenticated', `too many failed logins; try again in ${retryAfter} seconds`, { headers: { 'retry-after': String(retryAfter) } });
      try {
        const session = await database.use((db) => platformLogin(db, email, request.body.password, tokens.secret));
        return { accessToken: session.token.token, expiresAt: session.token.expiresAt.toISOString(), operator: operatorBody(session.operator) };
      } catch (error) {
        if (error instanceof CliError && error.code === 'unauthenticated') throttle.recordFailure(request.ip, key);
        throw error;
      }
    },
  );

  app.post(
    '/v1/platform/auth/logout',
    {
      config: PLATFORM,
      schema: {
        tags: TAGS,
        summary: "End the platform operator's login",
        security: SECURITY,
        response: { 200: { type: 'object', required: ['loggedOut'], properties: { loggedOut: { type: 'boolean', const: true } } }, ...errorResponses(401, 503) },
      },
    },
    async (request) => {
      const { operator, sessionId } = operatorOf(request);
      await database.use((db) => platformLogout(db, operator, sessionId));
      return { loggedOut: true };
    },
  );

  app.get(
    '/v1/platform/tenants',
    {
      config: PLATFORM,
      schema: {
        tags: TAGS,
        summary: 'Every tenant, with how many employees and clients it has',
        security: SECURITY,
        response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: COUNTED_TENANT } } }, ...errorResponses(401, 503) },
      },
    },
    async () => ({ items: (await database.use((db) => listTenants(db))).map(countedBody) }),
  );

  app.get<{ Params: { tenant: string } }>(
    '/v1/platform/tenants/:tenant',
    {
      config: PLATFORM,
      schema: { tags: TAGS, summary: 'One tenant, by slug or id, with its counts', security: SECURITY, params: REF_PARAMS, response: { 200: COUNTED_TENANT, ...errorResponses(400, 401, 404, 503) } },
    },
    async (request) => countedBody(await database.use((db) => showTenant(db, parseTenantRef(request.params.tenant, { field: 'tenant' })))),
  );

  app.post<{ Body: { name: string; plan: string; email: string; firstName: string; lastName: string; password: string } }>(
    '/v1/platform/tenants',
    {
      config: PLATFORM,
      schema: {
        tags: TAGS,
        summary: 'Create a tenant (ACTIVE) and its first MANAGEMENT account',
        description: 'The slug is made from the name (`-2`, `-3`, … when taken). One transaction: the tenant, its manager, the platform audit row.',
        security: SECURITY,
        body: {
          type: 'object',
          required: ['name', 'plan', 'email', 'firstName', 'lastName', 'password'],
          additionalProperties: false,
          properties: {
            name: stringField("the company's name, at most 150 characters"),
            plan: { type: 'string', enum: [...PLANS] },
            email: stringField("the first manager's email"),
            firstName: stringField('at most 100 characters'),
            lastName: stringField('at most 100 characters'),
            password: stringField('at least 12 characters, not a common one'),
          },
        },
        response: { 201: CREATED_TENANT, ...errorResponses(400, 401, 409, 503) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const input = {
        name: parseTenantName(body.name, { field: 'name' }),
        plan: parsePlan(body.plan, { field: 'plan' }),
        manager: {
          email: parseEmail(body.email, { field: 'email' }),
          firstName: parseFirstName(body.firstName, { field: 'firstName' }),
          lastName: parseLastName(body.lastName, { field: 'lastName' }),
          password: body.password,
        },
      };
      const { operator } = operatorOf(request);
      const created = await database.use((db) => createTenantAsOperator(db, operator, input));
      reply.code(201);
      return createdBody(created);
    },
  );

  for (const change of ['suspend', 'resume', 'cancel'] as StatusChange[]) {
    app.post<{ Params: { tenant: string } }>(
      `/v1/platform/tenants/:tenant/${change}`,
      {
        config: PLATFORM,
        schema: {
          tags: TAGS,
          summary: { suspend: 'Suspend an ACTIVE tenant', resume: 'Make a tenant ACTIVE again (or end its trial)', cancel: 'Cancel a tenant (final)' }[change],
          description: 'The database refuses a change the lifecycle does not allow (409): TRIAL → ACTIVE ⇄ SUSPENDED, any of them → CANCELLED, which is final.',
          security: SECURITY,
          params: REF_PARAMS,
          response: { 200: TENANT, ...errorResponses(400, 401, 404, 409, 503) },
        },
      },
      async (request) => {
        const ref = parseTenantRef(request.params.tenant, { field: 'tenant' });
        return tenantBody(await database.use((db) => changeTenantStatus(db, operatorOf(request).operator, ref, change)));
      },
    );
  }

  app.post<{ Params: { tenant: string }; Body: { plan: string } }>(
    '/v1/platform/tenants/:tenant/plan',
    {
      config: PLATFORM,
      schema: {
        tags: TAGS,
        summary: "Change a tenant's plan",
        description: 'On a tenant in TRIAL it also ends the trial (ACTIVE). A CANCELLED tenant keeps its plan (409).',
        security: SECURITY,
        params: REF_PARAMS,
        body: { type: 'object', required: ['plan'], additionalProperties: false, properties: { plan: { type: 'string', enum: [...PLANS] } } },
        response: { 200: TENANT, ...errorResponses(400, 401, 404, 409, 503) },
      },
    },
    async (request) => {
      const ref = parseTenantRef(request.params.tenant, { field: 'tenant' });
      const plan = parsePlan(request.body.plan, { field: 'plan' });
      return tenantBody(await database.use((db) => changeTenantPlan(db, operatorOf(request).operator, ref, plan)));
    },
  );

  app.post<{ Params: { tenant: string }; Body: { days: number } }>(
    '/v1/platform/tenants/:tenant/extend-trial',
    {
      config: PLATFORM,
      schema: {
        tags: TAGS,
        summary: "Extend a tenant's trial",
        description: 'From the end of the trial, or from now when it has ended. Only a tenant in TRIAL (409 otherwise).',
        security: SECURITY,
        params: REF_PARAMS,
        body: { type: 'object', required: ['days'], additionalProperties: false, properties: { days: { type: 'integer', description: '1 to 365' } } },
        response: { 200: TENANT, ...errorResponses(400, 401, 404, 409, 503) },
      },
    },
    async (request) => {
      const ref = parseTenantRef(request.params.tenant, { field: 'tenant' });
      const days = parseTrialDays(request.body.days, { field: 'days' });
      return tenantBody(await database.use((db) => extendTrial(db, operatorOf(request).operator, ref, days)));
    },
  );

  const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;
  app.get(
    '/v1/platform/stats',
    {
      config: PLATFORM,
      schema: {
        tags: TAGS,
        summary: 'Tenants by status and plan, employees and clients per tenant: counts only',
        security: SECURITY,
        response: {
          200: {
            type: 'object',
            required: ['tenants', 'byStatus', 'byPlan', 'perTenant'],
            properties: {
              tenants: { type: 'integer' },
              byStatus: COUNTS,
              byPlan: COUNTS,
              perTenant: {
                type: 'array',
                items: { type: 'object', required: ['id', 'slug', 'employees', 'clients'], properties: { id: { type: 'integer' }, slug: { type: 'string' }, employees: { type: 'integer' }, clients: { type: 'integer' } } },
              },
            },
          },
          ...errorResponses(401, 503),
        },
      },
    },
    async () => database.use((db) => platformStats(db)),
  );
}
