import { type Plan } from '../domain/plans';
import { type Role } from '../domain/roles';
import { type TenantStatus } from '../domain/tenancy';
import { forbidden, unauthenticated } from '../errors/cli-error';

/** What the caller's tenant allows, read with the caller (the database's clock decides the trial's end). */
export interface TenantStanding {
  plan: Plan;
  status: TenantStatus;
  /** A TRIAL tenant past its trial's end. */
  trialEnded: boolean;
}

/** The employee running the command, as the database says now (not as the token said). */
export interface Actor {
  id: number;
  role: Role;
  email: string;
  firstName: string;
  lastName: string;
  mustChangePassword: boolean;
  /**
   * The tenant's plan and status, when the caller was re-read on a schema that has them (always,
   * but on a schema older than the plans' limits, which only `db revert` reads). The permission
   * check refuses an action of a module the plan lacks; the runner and the server refuse a tenant
   * out of service.
   */
  tenantStanding?: TenantStanding;
}

export const actorLabel = (actor: Pick<Actor, 'firstName' | 'lastName' | 'email'>): string =>
  `${actor.firstName} ${actor.lastName} <${actor.email}>`;

/** The columns of `employees` an Actor is built from. */
export interface ActorRow {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  role: Role;
  is_active: boolean;
  must_change_password: boolean;
  /** Read with the caller (`current_tenant_standing()`); absent elsewhere. */
  tenant_plan?: Plan | null;
  tenant_status?: TenantStatus | null;
  tenant_trial_ended?: boolean | null;
}

export const toActor = (row: ActorRow): Actor => ({
  id: row.id,
  role: row.role,
  email: row.email,
  firstName: row.first_name,
  lastName: row.last_name,
  mustChangePassword: row.must_change_password,
  ...(row.tenant_plan && row.tenant_status ? { tenantStanding: { plan: row.tenant_plan, status: row.tenant_status, trialEnded: row.tenant_trial_ended === true } } : {}),
});

/**
 * A tenant whose trial has ended, suspended or cancelled is refused every command but `whoami`,
 * `logout` and `tenant show` (exit 4 / 403); logging in still works, so its people learn why.
 */
export function assertTenantInService(actor: Actor): void {
  const tenant = actor.tenantStanding;
  if (!tenant) return;
  if (tenant.status === 'CANCELLED') throw forbidden('the account is cancelled');
  if (tenant.status === 'SUSPENDED') throw forbidden('payments are due: the account is suspended');
  if (tenant.status === 'TRIAL' && tenant.trialEnded) throw forbidden('the trial has ended: choose a plan');
}

/** Until a one-time password is changed, only `password change`, `logout` and `whoami` run. */
export function assertNoPasswordChangeDue(actor: Actor): void {
  if (actor.mustChangePassword) throw unauthenticated('you must change your password before anything else', 'run `epicevents password change`');
}
