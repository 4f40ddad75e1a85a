/**
 * What names a tenant (docs/tenancy.md). Making a slug from a company's name is another module's;
 * here only its shape, which the database's CHECK on `tenants.slug` also enforces.
 */

/** The tenant of a single-company deployment: of direct mode, the embedded database, `init` and `login` unless told otherwise. */
export const DEFAULT_TENANT = 'default';

export const TENANT_SLUG_SHAPE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const TENANT_SLUG_MAX = 40;
/** The shape of a slug, as a refusal says it. */
export const TENANT_SLUG_RULE = `lower-case letters and digits in words joined by "-", at most ${TENANT_SLUG_MAX}`;

export function isTenantSlug(value: string): boolean {
  return TENANT_SLUG_SHAPE.test(value) && value.length <= TENANT_SLUG_MAX;
}

/** A tenant's lifecycle (the trigger `tenants_lifecycle` admits only its transitions; CANCELLED is final). */
export const TENANT_STATUSES = ['TRIAL', 'ACTIVE', 'SUSPENDED', 'CANCELLED'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];
