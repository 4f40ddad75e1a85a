import { buildApp } from './app';
import { type RequestDatabase } from './request-database';

/** The app is only asked to describe itself: it never listens, so nothing ever reaches a database. */
const NO_DATABASE: RequestDatabase = {
  use: () => Promise.reject(new Error('the OpenAPI document is made without a database')),
  close: async () => undefined,
};

/**
 * The OpenAPI 3.1 document of the API, made from the routes' own schemas, exactly as
 * `GET /v1/openapi.json` serves it; `npm run docs:openapi` writes it to docs/openapi.json.
 */
export async function openApiDocument(): Promise<unknown> {
  const app = await buildApp({ database: NO_DATABASE, tokens: { secret: '', accessTtlSeconds: 0, refreshTtlSeconds: 0 }, env: {} });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
  }
}

/** The committed form: two-space JSON and a final newline. */
export const renderOpenApiDocument = async (): Promise<string> => `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
