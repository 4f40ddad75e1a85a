import { type LimitedCount, type Plan, type PlanLimits, planLimitMessage } from '../domain/plans';
import { type TenantStatus } from '../domain/tenancy';
import { conflict } from '../errors/cli-error';
import { type SqlRunner } from '../database/sql-runner';

/** The caller's tenant as `tenant show` tells it: its plan's limits (null: none) and what it uses of them. */
export interface TenantAccount {
  id: number;
  slug: string;
  name: string;
  plan: Plan;
  status: TenantStatus;
  /** The end of a trial (a TRIAL tenant's, 14 days from its creation unless set); null when none was set. */
  trialEndsAt: Date | null;
  createdAt: Date;
  limits: PlanLimits;
  usage: { employees: number; clients: number };
}

interface AccountRow {
  id: string;
  slug: string;
  name: string;
  plan: Plan;
  status: TenantStatus;
  created_at: Date;
  trial_ends_at: Date | null;
  max_active_employees: number | null;
  max_clients: number | null;
  active_employees: number | null;
  clients: number | null;
}

/**
 * The tenant of the transaction (the token's on the server, the session's in direct mode), read
 * through `current_tenant_account()`: the application reads tenants, plans and usage no other way.
 * Any employee may see it, in any state of the tenant: it says why a command is refused.
 */
export async function tenantAccount(db: Pick<SqlRunner, 'query'>): Promise<TenantAccount> {
  const [row] = await db.query<AccountRow>(
    `SELECT id, slug, name, plan, status, created_at, trial_ends_at, max_active_employees, max_clients, active_employees, clients FROM current_tenant_account()`,
  );
  if (!row) throw new Error('no tenant is set for this session or transaction');
  return {
    id: Number(row.id),
    slug: row.slug,
    name: row.name,
    plan: row.plan,
    status: row.status,
    trialEndsAt: row.trial_ends_at,
    createdAt: row.created_at,
    limits: { employees: row.max_active_employees, clients: row.max_clients },
    usage: { employees: row.active_employees ?? 0, clients: row.clients ?? 0 },
  };
}

/**
 * Refuses (exit 6) adding `count` to what the plan limits when the tenant's usage already leaves
 * no room, with the sentence the database would raise. A courtesy before the work (a password
 * hashed, a file read): the usage triggers stay the guard, under their lock, for parallel writes.
 */
export async function assertRoomFor(db: Pick<SqlRunner, 'query'>, counted: LimitedCount, count = 1): Promise<void> {
  const account = await tenantAccount(db);
  const limit = account.limits[counted];
  if (limit !== null && account.usage[counted] + count > limit) throw conflict(planLimitMessage(account.plan, counted, limit));
}
