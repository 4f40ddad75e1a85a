import { type EntityManager } from 'typeorm';
import { type PlatformOperator, recordPlatformAudit } from '../auth/platform-session.service';
import { type SqlRunner } from '../database/sql-runner';
import { type Plan, PLANS } from '../domain/plans';
import { CliError, conflict, notFound } from '../errors/cli-error';
import { businessEvent } from '../observability/business-events';
import { type TenantRef } from '../validation/tenant-fields';
import { type CreatedTenant, createTenant, type NewTenant, type TenantRecord, type TenantRow, toTenantRecord } from './tenant-creation.service';

/**
 * What the platform operator may do to tenants: list, show, create, change their status and plan,
 * extend a trial, count. Everything goes through the SECURITY DEFINER functions of
 * migrations/1796200000000-Platform.ts: tenants and numbers, never a tenant's records. Each change
 * writes one platform audit row in its transaction.
 */

export const TENANT_STATUSES = ['TRIAL', 'ACTIVE', 'SUSPENDED', 'CANCELLED'] as const;

/** A tenant with how many employees and clients it has (`platform tenant list`, `show`). */
export interface CountedTenant extends TenantRecord {
  employees: number;
  clients: number;
}

export interface PlatformStats {
  tenants: number;
  byStatus: Record<string, number>;
  byPlan: Record<string, number>;
  perTenant: { id: number; slug: string; employees: number; clients: number }[];
}

async function countedTenants(db: Pick<SqlRunner, 'query'>, ref?: TenantRef): Promise<CountedTenant[]> {
  const where = ref === undefined ? '' : 'id' in ref ? 'WHERE t.id = $1' : 'WHERE t.slug = $1';
  const params = ref === undefined ? [] : ['id' in ref ? ref.id : ref.slug];
  const rows: (TenantRow & { employees: string | null; clients: string | null })[] = await db.query(
    `SELECT t.*, c.employees, c.clients FROM platform_tenants() t LEFT JOIN tenant_counts() c ON c.tenant_id = t.id ${where} ORDER BY t.id`,
    params,
  );
  return rows.map((row) => ({ ...toTenantRecord(row), employees: Number(row.employees ?? 0), clients: Number(row.clients ?? 0) }));
}

export function listTenants(db: SqlRunner): Promise<CountedTenant[]> {
  return countedTenants(db);
}

const refText = (ref: TenantRef) => ('id' in ref ? String(ref.id) : ref.slug);

export async function showTenant(db: SqlRunner, ref: TenantRef): Promise<CountedTenant> {
  const [tenant] = await countedTenants(db, ref);
  if (!tenant) throw notFound('tenant', refText(ref));
  return tenant;
}

/** `platform tenant create`: ACTIVE on the plan the operator names (a company that chose it), with its first manager. */
export function createTenantAsOperator(db: SqlRunner, operator: PlatformOperator, input: Omit<NewTenant, 'trial'>): Promise<CreatedTenant> {
  return createTenant(db, { ...input, trial: false }, (manager, { tenant, employee }) =>
    recordPlatformAudit(manager, { operatorId: operator.id, action: 'tenant.create', tenantId: tenant.id, details: { slug: tenant.slug, plan: tenant.plan, managerId: employee.id } }),
  );
}

export type StatusChange = 'suspend' | 'resume' | 'cancel';
const STATUS_OF: Record<StatusChange, string> = { suspend: 'SUSPENDED', resume: 'ACTIVE', cancel: 'CANCELLED' };

/** Suspends, resumes (to ACTIVE, a trial included) or cancels: the trigger tenants_lifecycle refuses what the lifecycle does not allow (exit 6). */
export function changeTenantStatus(db: SqlRunner, operator: PlatformOperator, ref: TenantRef, change: StatusChange): Promise<TenantRecord> {
  return changeTenant(db, operator, ref, `tenant.${change}`, (manager, id) => manager.query('SELECT * FROM set_tenant_status($1, $2)', [id, STATUS_OF[change]]));
}

/** A new plan; on a tenant in TRIAL it ends the trial (ACTIVE). */
export function changeTenantPlan(db: SqlRunner, operator: PlatformOperator, ref: TenantRef, plan: Plan): Promise<TenantRecord> {
  return changeTenant(db, operator, ref, 'tenant.plan', (manager, id) => manager.query('SELECT * FROM set_tenant_plan($1, $2)', [id, plan]), { plan });
}

export function extendTrial(db: SqlRunner, operator: PlatformOperator, ref: TenantRef, days: number): Promise<TenantRecord> {
  return changeTenant(db, operator, ref, 'tenant.extend-trial', (manager, id) => manager.query('SELECT * FROM extend_tenant_trial($1, $2)', [id, days]), { days });
}

/**
 * One change of a tenant in one transaction with its audit row. The tenant is found by slug or id
 * first (no row: exit 5); what the database refuses (the lifecycle's trigger, the functions' own
 * checks, SQLSTATE 23514) is a conflict with the database's message.
 */
async function changeTenant(
  db: SqlRunner,
  operator: PlatformOperator,
  ref: TenantRef,
  action: string,
  change: (manager: EntityManager, tenantId: number) => Promise<TenantRow[]>,
  details: Record<string, unknown> = {},
): Promise<TenantRecord> {
  return db.transaction(async (manager) => {
    const [found] = await countedTenants(manager, ref);
    if (!found) throw notFound('tenant', refText(ref));
    // Told here, inside: the database layer would otherwise make any refusal an anonymous conflict.
    const [row] = await change(manager, found.id).catch((error: unknown) => {
      throw lifecycleRefusal(error) ?? error;
    });
    if (!row) throw notFound('tenant', refText(ref));
    const tenant = toTenantRecord(row);
    await recordPlatformAudit(manager, { operatorId: operator.id, action, tenantId: tenant.id, details: { ...details, from: found.status, to: tenant.status } });
    const plan = found.plan === tenant.plan ? tenant.plan : `${found.plan} → ${tenant.plan}`;
    businessEvent({
      name: action,
      message: `tenant ${tenant.id} (${tenant.slug}) ${action}: ${found.status} → ${tenant.status}, ${plan}, by platform operator ${operator.id}`,
      tags: { tenant_id: tenant.id, operator_id: operator.id },
    });
    return tenant;
  });
}

function lifecycleRefusal(error: unknown): CliError | undefined {
  if (error instanceof CliError) return undefined;
  const e = error as { driverError?: { code?: string; message?: string }; code?: string; message?: string };
  const code = e.driverError?.code ?? e.code;
  if (code !== '23514') return undefined;
  const message = (e.driverError?.message ?? e.message ?? '').split('\n')[0];
  if (!/^(a tenant cannot go|the tenant is|a trial is extended)/.test(message)) return undefined;
  return conflict(message, 'the lifecycle: TRIAL → ACTIVE ⇄ SUSPENDED, and any of them → CANCELLED, which is final');
}

/** `platform stats`: counts only. */
export async function platformStats(db: SqlRunner): Promise<PlatformStats> {
  const tenants = await countedTenants(db);
  const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((key) => [key, 0]));
  const byStatus: Record<string, number> = zeros(TENANT_STATUSES);
  const byPlan: Record<string, number> = zeros(PLANS);
  for (const tenant of tenants) {
    byStatus[tenant.status] = (byStatus[tenant.status] ?? 0) + 1;
    byPlan[tenant.plan] = (byPlan[tenant.plan] ?? 0) + 1;
  }
  return { tenants: tenants.length, byStatus, byPlan, perTenant: tenants.map(({ id, slug, employees, clients }) => ({ id, slug, employees, clients })) };
}
