import { type EntityManager } from 'typeorm';
import { type SqlRunner } from '../database/sql-runner';
import type { StartQuery, StartRow } from '../database/start-query';
import { forbidden, unauthenticated } from '../errors/cli-error';
import { type Actor, type ActorRow, toActor } from './actor';
import { type TokenClaims } from './tokens';

/** The session's employee was deleted: whatever the command was doing, it is the session that ended (exit 3). */
export function sessionAccountGone() {
  return unauthenticated('the account of this session no longer exists', 'log in again with `epicevents login`');
}

interface SessionRow extends ActorRow {
  /** Null while the login stands (a timestamp, as text when read through json). */
  revoked_at: Date | string | null;
  family_found: boolean;
}

/**
 * The employee and their login, by placeholders for the employee id and the session family id,
 * and with `tenant` the standing of the transaction's tenant (plan, status, trial ended by the
 * database's clock) in the same query. Row security shows only the employees of the tenant set
 * (the token's on the server, the session's in direct mode): an employee of another tenant is not
 * found. Without `tenant` the text names no tenant column or function, so that `db revert` still
 * finds its caller on a schema from before tenants or before the plans' limits; a variant is
 * chosen in TypeScript, by what the schema has, rather than in SQL, because a statement naming a
 * function that does not exist fails as it is parsed, whatever a CASE around it says.
 */
function callerSql(employeeId: string, familyId: string, tenant: boolean): string {
  return `SELECT e.id, e.first_name, e.last_name, e.email, e.role, e.is_active, e.must_change_password,
                 f.revoked_at, f.id IS NOT NULL AS family_found${tenant ? ',\n                 t.plan AS tenant_plan, t.status AS tenant_status, t.trial_ended AS tenant_trial_ended' : ''}
            FROM employees e
            LEFT JOIN session_families f ON f.id = ${familyId}::uuid AND f.employee_id = e.id${tenant ? '\n            LEFT JOIN current_tenant_standing() t ON true' : ''}
           WHERE e.id = ${employeeId}`;
}

/** Whether the schema has the tenant's standing to read with the caller (the plans' limits migration). */
export async function schemaHasTenantStanding(db: Pick<SqlRunner, 'query'>): Promise<boolean> {
  const [row] = await db.query<{ present: boolean }>(`SELECT to_regprocedure('public.current_tenant_standing()') IS NOT NULL AS present`);
  return row.present;
}

/**
 * Adds the re-read of the token's employee and login to `start`, as the json column `caller`, with
 * the tenant's standing unless `tenant` is false (a schema older than the plans' limits). The
 * CLI's `authenticate` reads it with its schema check; the server's bearer hook as the first
 * statement of the request's transaction, which sets the token's tenant in the same statement.
 */
export function withCaller(start: StartQuery, claims: TokenClaims, { tenant }: { tenant: boolean } = { tenant: true }): StartQuery {
  return start.column('caller', `SELECT row_to_json(c) FROM (${callerSql(start.param(Number(claims.sub)), start.param(claims.sid), tenant)}) c`);
}

/** The caller `withCaller` read, or exit 3: account gone, login ended, account deactivated. */
export function callerFromRow(row: StartRow): Actor {
  return checkedCaller(row.caller as SessionRow | null);
}

function checkedCaller(row: SessionRow | null | undefined): Actor {
  if (!row) throw sessionAccountGone();
  if (!row.family_found || row.revoked_at) throw unauthenticated('this session was ended (logout, password change or revocation)', 'log in again with `epicevents login`');
  if (!row.is_active) throw unauthenticated('this account is deactivated', 'ask a manager to reactivate it');
  return toActor(row);
}

// Beside the Actor type, so that server mode checks it without loading this module's database code.
export { assertNoPasswordChangeDue } from './actor';

/**
 * The employee as the database says now; a deactivated or deleted account ends the session.
 * With `lock`, the row is held FOR KEY SHARE until the transaction ends: a deactivation, a
 * deletion or a role change (which lock the row FOR UPDATE) waits for it, and one committed before
 * is seen; a change of the employee's other details (FOR NO KEY UPDATE) does not wait.
 */
export async function loadActiveEmployee(manager: EntityManager, id: number, options: { lock?: boolean } = {}): Promise<Actor> {
  const rows: ActorRow[] = await manager.query(
    `SELECT id, first_name, last_name, email, role, is_active, must_change_password FROM employees WHERE id = $1${options.lock ? ' FOR KEY SHARE' : ''}`,
    [id],
  );
  const row = rows[0];
  if (!row) throw sessionAccountGone();
  if (!row.is_active) throw unauthenticated('this account is deactivated', 'ask a manager to reactivate it');
  return toActor(row);
}

/** Transactions whose author was re-checked already (the lock lasts until they end). */
const checked = new WeakMap<EntityManager, number>();

/**
 * Re-checks, inside a write's transaction, that its author is still active and still has the role
 * the command's permission checks used. The actor is read when the command starts; a write that
 * waited on a lock meanwhile must not commit for someone deactivated or demoted in between.
 */
export async function assertActorCurrent(manager: EntityManager, actor: Actor): Promise<void> {
  if (checked.get(manager) === actor.id) return;
  const current = await loadActiveEmployee(manager, actor.id, { lock: true });
  if (current.role !== actor.role) {
    throw forbidden(`your role changed from ${actor.role} to ${current.role} while this command ran; nothing was written`);
  }
  checked.set(manager, actor.id);
}
