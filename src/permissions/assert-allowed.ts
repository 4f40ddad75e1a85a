import { type Actor } from '../auth/actor';
import { ROLES, type Role } from '../domain/roles';
import { forbidden } from '../errors/cli-error';
import { assertInPlan } from './assert-in-plan';
import { type Action, type ActionSpec, PERMISSIONS, ruleFor } from './permission-matrix';

/**
 * Refuses (exit 4) an action of a module the actor's tenant's plan lacks, whatever the role, then
 * unless the matrix allows `action` for the actor's current role. For an 'own'
 * rule, `owns` says whether the actor owns the record; call it with no record to check that the
 * role may do the action at all. The refusal names who may do it instead, so the user knows whom
 * to ask.
 */
export function assertAllowed(actor: Actor, action: Action, owns?: () => boolean): void {
  if (actor.tenantStanding) assertInPlan(actor.tenantStanding.plan, action);
  const rule = ruleFor(action, actor.role);
  if (rule === 'any') return;
  if (rule === 'own' && (owns === undefined || owns())) return;
  const spec: ActionSpec = PERMISSIONS[action];
  const why = rule === 'own' ? ` unless ${ownership(spec)}` : '';
  const others = whoMay(spec, actor.role);
  throw forbidden(`permission denied: ${actor.role} cannot ${spec.description}${why}${others ? ` (${others})` : ''}`);
}

/** "MANAGEMENT can; SALES can, when the client is theirs": the roles the matrix allows, besides `except`. */
function whoMay(spec: ActionSpec, except?: Role): string {
  const roles = ROLES.filter((role) => role !== except);
  const join = (names: Role[]) => names.join(' and ');
  const any = roles.filter((role) => spec.rules[role] === 'any');
  const own = roles.filter((role) => spec.rules[role] === 'own');
  return [any.length > 0 && `${join(any)} can`, own.length > 0 && `${join(own)} can, when ${ownership(spec)}`].filter(Boolean).join('; ');
}

const ownership = (spec: ActionSpec): string => spec.ownership ?? 'it is theirs';
