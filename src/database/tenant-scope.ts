import { type EntityManager } from 'typeorm';
import { isTenantSlug } from '../domain/tenancy';
import { TENANT_USER_ROLE } from './roles-sql';
import { prepared } from './prepared-statements';
import { type IsolationLevel, type SqlRunner } from './sql-runner';
import { type StartQuery } from './start-query';

/**
 * How a database session is held to one tenant (docs/tenancy.md). Every tenant table admits only
 * the rows of the tenant in the setting `app.tenant_id`; a superuser, or a role that bypasses row
 * security, would see every row whatever the setting, so such a session first becomes the role
 * below, which has exactly the application role's rights and no more.
 */
export { TENANT_USER_ROLE };

/** The SQLSTATE the scope statement raises for a slug no tenant has. */
export const UNKNOWN_TENANT_SQLSTATE = 'ET001';

/** The SQLSTATE the usage triggers raise for a count that would grow past the plan's limit (migration TenantLimits). */
export const PLAN_LIMIT_SQLSTATE = 'ET002';

/** The SQLSTATE the employees' triggers raise for a change that would leave a tenant without an active manager (migration LastActiveManager). */
export const LAST_MANAGER_SQLSTATE = 'ET003';

/**
 * The statement a session runs once, when it opens (each connection of a pool, or the embedded
 * engine's one session): switch a superuser or row-security-bypassing role to TENANT_USER_ROLE,
 * and with `tenant`, set that tenant for the whole session (direct mode: the process is one
 * person's). A schema the tenants migration has not reached yet is left alone: it is migrated
 * (embedded) or refused (a server) next, and the session scoped again after. The slug goes into
 * the text as a literal: only a slug of the checked shape, which holds no quote.
 */
export function scopeSql(tenant?: string): string {
  if (tenant !== undefined && !isTenantSlug(tenant)) throw new Error(`not a tenant slug: ${tenant}`);
  const setTenant = tenant === undefined
    ? ''
    : `
  SELECT t.id INTO tenant FROM public.tenant_by_slug('${tenant}') t;
  IF tenant IS NULL THEN
    RAISE EXCEPTION 'no tenant has the slug "${tenant}"' USING ERRCODE = '${UNKNOWN_TENANT_SQLSTATE}';
  END IF;
  PERFORM set_config('app.tenant_id', tenant::text, false);`;
  return `DO $scope$
DECLARE
  tenant bigint;
BEGIN
  IF to_regprocedure('public.tenant_by_slug(text)') IS NULL THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolbypassrls)) THEN
    PERFORM set_config('role', '${TENANT_USER_ROLE}', false);
  END IF;${setTenant}
END $scope$`;
}

/** What `scopeSql` undid, for the migrations, which run as the role the session connected as. */
export const UNSCOPE_SQL = ['RESET ROLE', 'RESET app.tenant_id'];

/**
 * Runs `work` inside the transaction of `manager` as the role the session connected as, then
 * returns to the role it had: schema work a command does in its own transaction (`db seed` builds
 * indexes, which the tenant role cannot own). VACUUM cannot run in a transaction and leaves the
 * scope otherwise (`Database.vacuumAnalyze`). The tenant setting stays; should `work` fail, the
 * transaction is rolled back, and the role with it.
 */
export async function asConnectedRole<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
  if (!manager.queryRunner?.isTransactionActive) throw new Error('asConnectedRole needs the manager of an open transaction');
  const [{ role }]: { role: string }[] = await manager.query(`SELECT current_setting('role') AS role`);
  await manager.query(`SELECT set_config('role', 'none', true)`);
  const result = await work();
  await manager.query(`SELECT set_config('role', $1, true)`, [role]);
  return result;
}

/**
 * Sets the tenant for the rest of the transaction `manager` belongs to (a server request): the
 * setting ends with the transaction, so the pooled connection carries nothing to the next request.
 */
export async function setTransactionTenant(manager: EntityManager, tenantId: number): Promise<void> {
  if (!manager.queryRunner?.isTransactionActive) throw new Error('setTransactionTenant needs the manager of an open transaction');
  await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(tenantId)]);
}

/**
 * `setTransactionTenant` and the reads of `start` (a server request's caller re-read) as one
 * statement, the first of a transaction (`Database.transactionStartingWith`, which sends it with
 * the statement that opens the transaction: one round trip for all three). The tenant is set by
 * the FROM item; the columns are scalar subqueries, which PostgreSQL evaluates when it projects
 * the row of that FROM item, so after the setting. Were that order ever different, they would read
 * with no tenant set, where row security shows no row (the caller not found: 401), never another
 * tenant's. The text is marked to run as a prepared statement (parsed and planned once per server
 * connection), so `start` must be built the same way each time: the same columns, the same text.
 */
export function tenantStart(tenantId: number, start: StartQuery): { sql: string; params: unknown[] } {
  const params = [...start.params, String(tenantId)];
  return { sql: prepared(`SELECT ${start.selectList} FROM (SELECT set_config('app.tenant_id', $${params.length}, true)) AS tenant_set`), params };
}

/**
 * The runner of one tenant's work on a database whose sessions carry no tenant (the server's):
 * each transaction starts by setting the tenant, and a lone query runs in a transaction of its own.
 * There is no `manager` outside a transaction, where no tenant would be set: reads go through
 * `query` or `transaction`.
 */
export function inTenant(db: SqlRunner, tenantId: number): SqlRunner {
  const transaction = <T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> =>
    db.transaction(async (manager) => {
      await setTransactionTenant(manager, tenantId);
      return work(manager);
    }, isolation);
  return {
    get manager(): EntityManager {
      throw new Error('a tenant is set only inside a transaction: read through query() or transaction()');
    },
    query: <T>(sql: string, params?: unknown[]) => transaction((manager) => manager.query(sql, params) as Promise<T[]>),
    transaction,
  };
}

export interface TenantRow {
  id: number;
  slug: string;
  name: string;
  plan: string;
  status: string;
}

/** The tenant of a slug (SECURITY DEFINER `tenant_by_slug`: the application reads no tenant otherwise), if there is one. */
export async function tenantBySlug(db: Pick<SqlRunner, 'query'>, slug: string): Promise<TenantRow | undefined> {
  if (!isTenantSlug(slug)) return undefined;
  const [row] = await db.query<TenantRow>('SELECT id, slug, name, plan, status FROM tenant_by_slug($1)', [slug]);
  return row ? { ...row, id: Number(row.id) } : undefined;
}

/** The tenant set for this transaction or session (`current_tenant()`). */
export async function currentTenant(db: Pick<SqlRunner, 'query'>): Promise<TenantRow> {
  const [row] = await db.query<TenantRow>('SELECT id, slug, name, plan, status FROM current_tenant()');
  if (!row) throw new Error('no tenant is set for this session or transaction');
  return { ...row, id: Number(row.id) };
}
