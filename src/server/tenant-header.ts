import { type FastifyRequest } from 'fastify';
import { isTenantSlug, TENANT_SLUG_RULE } from '../domain/tenancy';
import { CliError, forbidden } from '../errors/cli-error';
import { preview } from '../validation/parse';
import { type TokenClaims } from '../auth/tokens';

/** The header in which the CLI names the tenant (its slug) it logged in to. */
export const TENANT_HEADER = 'x-tenant-id';

/**
 * `X-Tenant-ID`, when a client sends it, must name the tenant of the access token: a client that
 * believes it works in one company while its token is of another is stopped before anything is
 * read. It is a check and nothing more: the request works in the token's tenant (`tid`) whatever
 * the header says, and a client that sends none (an API client other than the CLI) is served.
 * The token carries its tenant's slug, signed, so the comparison reads no database.
 */
export function assertTenantHeader(request: FastifyRequest, claims: Pick<TokenClaims, 'tenant'>): void {
  const header = request.headers[TENANT_HEADER];
  if (header === undefined) return;
  // A repeated header arrives joined with ", ", which no slug holds: refused as malformed.
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (!isTenantSlug(value)) {
    throw new CliError(
      'usage',
      `X-Tenant-ID must be a tenant's slug: ${TENANT_SLUG_RULE} (got "${preview(value)}")`,
      'send the slug of the tenant you logged in to, or no X-Tenant-ID',
    );
  }
  if (value !== claims.tenant) throw forbidden(`this token belongs to another tenant than X-Tenant-ID names ("${value}"): log in to that tenant`);
}
