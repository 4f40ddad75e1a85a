import { type FastifyInstance } from 'fastify';
import { DEFAULT_PLAN, PLANS } from '../../domain/plans';
import { createTenant } from '../../services/tenant-creation.service';
import { parseFirstName, parseLastName } from '../../validation/employee-fields';
import { parseEmail } from '../../validation/parse';
import { parsePlan, parseTenantName } from '../../validation/tenant-fields';
import { LoginThrottle, SIGNUP_LIMITS } from '../login-throttle';
import { HttpProblem } from '../problem';
import { type RequestDatabase } from '../request-database';
import { errorResponses } from '../schemas';
import { CREATED_TENANT, createdBody } from './platform';

export interface SignupRouteOptions {
  database: RequestDatabase;
  /** `serve --allow-signup`: off by default. */
  allowSignup: boolean;
}

interface SignupBody {
  company: string;
  email: string;
  firstName: string;
  lastName: string;
  plan?: string;
  password: string;
}

const stringField = (description: string) => ({ type: 'string', description }) as const;

/**
 * `POST /v1/signup`: a new company, in TRIAL, with its first MANAGEMENT account: public, when the
 * server allows sign-ups (403 naming the flag otherwise), and limited per client address (429).
 */
export function signupRoutes(app: FastifyInstance, { database, allowSignup }: SignupRouteOptions): void {
  const throttle = new LoginThrottle(SIGNUP_LIMITS);
  app.post<{ Body: SignupBody }>(
    '/v1/signup',
    {
      config: { public: true },
      // Before the body is validated: a closed server refuses whatever is sent, and every attempt
      // counts, a malformed one too, whatever its outcome (a success creates a company).
      preValidation: async (request) => {
        if (!allowSignup) {
          throw new HttpProblem(403, 'forbidden', 'this server does not take sign-ups', { hint: 'its administrator enables them with `epicevents serve --allow-signup`' });
        }
        const email = String((request.body as Partial<SignupBody> | undefined)?.email ?? '').trim();
        const retryAfter = throttle.retryAfterSeconds(request.ip, email);
        if (retryAfter > 0) throw new HttpProblem(429, 'forbidden', `too many sign-ups from this address; try again in ${retryAfter} seconds`, { headers: { 'retry-after': String(retryAfter) } });
        throttle.recordAttempt(request.ip, email);
      },
      schema: {
        tags: ['signup'],
        summary: 'Sign a new company up',
        description: `Only on a server started with \`epicevents serve --allow-signup\` (403 otherwise). Creates a tenant in TRIAL for 14 days (its slug from the company's name), on ${DEFAULT_PLAN} unless \`plan\` names another, and its first MANAGEMENT account, in one transaction. At most ${SIGNUP_LIMITS.perAddress} sign-ups an hour per client address (429 with Retry-After).`,
        body: {
          type: 'object',
          required: ['company', 'email', 'firstName', 'lastName', 'password'],
          additionalProperties: false,
          properties: {
            company: stringField("the company's name, at most 150 characters"),
            email: stringField("the first manager's email (used to log in)"),
            firstName: stringField('at most 100 characters'),
            lastName: stringField('at most 100 characters'),
            plan: { type: 'string', enum: [...PLANS], description: `${DEFAULT_PLAN} when absent` },
            password: stringField('at least 12 characters, not a common one'),
          },
        },
        response: { 201: CREATED_TENANT, ...errorResponses(400, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const input = {
        name: parseTenantName(body.company, { field: 'company' }),
        plan: body.plan === undefined ? DEFAULT_PLAN : parsePlan(body.plan, { field: 'plan' }),
        trial: true,
        manager: {
          email: parseEmail(body.email, { field: 'email' }),
          firstName: parseFirstName(body.firstName, { field: 'firstName' }),
          lastName: parseLastName(body.lastName, { field: 'lastName' }),
          password: body.password,
        },
      };
      const created = await database.use((db) => createTenant(db, input));
      reply.code(201);
      return createdBody(created);
    },
  );
}
