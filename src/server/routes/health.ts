import { type FastifyInstance } from 'fastify';
import { unavailable } from '../../errors/cli-error';
import { type RequestDatabase } from '../request-database';
import { errorResponses } from '../schemas';

const STATUS = (value: string) => ({ type: 'object', required: ['status'], properties: { status: { type: 'string', const: value } } }) as const;

/** Liveness and readiness, for a load balancer or an orchestrator: no token, nothing private. */
export function healthRoutes(app: FastifyInstance, database: RequestDatabase): void {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: { tags: ['health'], summary: 'The process is running', response: { 200: STATUS('ok') } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'The database answers and its schema is current',
        description: 'A 503 names the reason: the database cannot be reached, or migrations are pending (`epicevents db migrate`).',
        response: { 200: STATUS('ready'), ...errorResponses(503) },
      },
    },
    async () => {
      const pending = (await database.use((db) => db.migrationStates())).filter((migration) => !migration.applied);
      if (pending.length > 0) {
        throw unavailable(`the database schema is behind: ${pending.length} migration(s) pending`, 'run `epicevents db migrate`');
      }
      return { status: 'ready' };
    },
  );
}
