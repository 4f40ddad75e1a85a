import fs from 'node:fs';
import path from 'node:path';
import { catalogEntries, CSV_EXPORTS } from '../../src/api/routes';
import { renderOpenApiDocument } from '../../src/server/openapi-document';

describe('docs/openapi.json', () => {
  it('should be the document the routes make now (regenerate it with `npm run docs:openapi` when this fails)', async () => {
    const committed = fs.readFileSync(path.resolve(__dirname, '../../docs/openapi.json'), 'utf8');
    expect(committed).toBe(await renderOpenApiDocument());
  });

  it('should describe OpenAPI 3.1 with every route, problem documents and the bearer scheme', async () => {
    const document = JSON.parse(await renderOpenApiDocument()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, { content: Record<string, unknown> }> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    const catalog = [...catalogEntries().map(({ route }) => route.path), ...Object.values(CSV_EXPORTS).map((route) => route.path)];
    const auth = ['/healthz', '/readyz', '/v1/auth/login', '/v1/auth/logout', '/v1/auth/password', '/v1/auth/refresh', '/v1/auth/whoami', '/v1/init', '/v1/signup'];
    const platform = ['/v1/platform/auth/login', '/v1/platform/auth/logout', '/v1/platform/stats', '/v1/platform/tenants', '/v1/platform/tenants/{tenant}'].concat(
      ['cancel', 'extend-trial', 'plan', 'resume', 'suspend'].map((verb) => `/v1/platform/tenants/{tenant}/${verb}`),
    );
    expect(Object.keys(document.paths).sort()).toEqual([...new Set([...auth, ...platform, ...catalog])].sort());
    for (const { route } of catalogEntries()) {
      expect({ path: route.path, method: route.method, documented: route.method.toLowerCase() in document.paths[route.path] }).toEqual({ path: route.path, method: route.method, documented: true });
    }
    expect(document.components.schemas.Problem).toBeDefined();
    expect(document.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(document.paths['/v1/auth/whoami'].get.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(document.paths['/v1/auth/login'].post.responses['401'].content)).toEqual(['application/problem+json']);
  });
});
