import { type EntityManager } from 'typeorm';
import { type Actor } from '../auth/actor';
import { hashPassword } from '../auth/passwords';
import { insertFirstManager, type NewManager } from '../auth/session.service';
import { joinTransaction, type SqlRunner } from '../database/sql-runner';
import { setTransactionTenant } from '../database/tenant-scope';
import { type Plan } from '../domain/plans';
import { insertWithUniqueSlug, SlugTakenError } from '../domain/tenant-slug';
import { businessEvent } from '../observability/business-events';
import { passwordPolicyError, passwordRuleError } from '../validation/password-policy';

/** A tenant as the platform and a sign-up show it (its JSON shape). */
export interface TenantRecord {
  id: number;
  slug: string;
  name: string;
  plan: string;
  status: string;
  /** The end of a trial; null for a tenant that never was on one. */
  trialEndsAt: Date | null;
  createdAt: Date;
}

/** A row of the SECURITY DEFINER functions over `tenants` (migrations/1796200000000-Platform.ts). */
export interface TenantRow {
  id: string | number;
  slug: string;
  name: string;
  plan: string;
  status: string;
  trial_ends_at: Date | null;
  created_at: Date;
}

export function toTenantRecord(row: TenantRow): TenantRecord {
  return { id: Number(row.id), slug: row.slug, name: row.name, plan: row.plan, status: row.status, trialEndsAt: row.trial_ends_at, createdAt: row.created_at };
}

export interface NewTenant {
  /** The company's name, which the slug is made from. */
  name: string;
  plan: Plan;
  /** A sign-up's tenant starts in TRIAL (14 days, by the database's clock); the operator's, ACTIVE. */
  trial: boolean;
  /** Its first MANAGEMENT account. */
  manager: NewManager;
}

export interface CreatedTenant {
  tenant: TenantRecord;
  employee: Actor;
}

/** The name of the unique index on tenants.slug: its violation, and only its, means "try the next slug". */
const SLUG_INDEX = 'tenants_slug_key';

/**
 * Creates a tenant and its first MANAGEMENT account in one transaction: `signup` and `platform
 * tenant create` alike. The slug comes from the name; the unique index on it decides (no look-up
 * first), so two creations of one name at once both succeed, with two slugs. The tenant is inserted
 * through `create_tenant` (the application has no right on `tenants`), then set for the rest of the
 * transaction, in which its manager is created as `init` creates one. `within` adds what the
 * caller must write in the same transaction (the operator's audit entry).
 */
export async function createTenant(db: SqlRunner, input: NewTenant, within?: (manager: EntityManager, created: CreatedTenant) => Promise<void>): Promise<CreatedTenant> {
  const policy = passwordPolicyError(input.manager.password);
  if (policy) throw passwordRuleError(policy, 'password');
  // Deliberately slow: made before the transaction, which then holds no lock while it runs.
  const hash = await hashPassword(input.manager.password);
  return db.transaction(async (manager) => {
    const tenant = await insertWithUniqueSlug(input.name, (slug) => insertTenant(manager, slug, input));
    await setTransactionTenant(manager, tenant.id);
    const employee = await insertFirstManager(manager, input.manager, hash);
    const created = { tenant, employee };
    await within?.(manager, created);
    // A new company is a key business event, whoever made it (a sign-up or the platform operator).
    businessEvent({ name: 'tenant.created', message: `tenant ${tenant.id} (${tenant.slug}) created: ${tenant.status} on ${tenant.plan}`, tags: { tenant_id: tenant.id } });
    return created;
  });
}

/** One attempt, in a savepoint: a taken slug undoes only the attempt, and the transaction goes on. */
async function insertTenant(manager: EntityManager, slug: string, input: NewTenant): Promise<TenantRecord> {
  try {
    return await joinTransaction(manager).transaction(async (attempt) => {
      const [row]: TenantRow[] = await attempt.query('SELECT * FROM create_tenant($1, $2, $3, $4)', [slug, input.name, input.plan, input.trial]);
      return toTenantRecord(row);
    });
  } catch (error) {
    const inner = (error as { driverError?: { code?: string; constraint?: string }; code?: string; constraint?: string });
    const code = inner.driverError?.code ?? inner.code;
    const constraint = inner.driverError?.constraint ?? inner.constraint;
    if (code === '23505' && constraint === SLUG_INDEX) throw new SlugTakenError(slug);
    throw error;
  }
}
