import { type Actor } from '../auth/actor';
import { forbidden } from '../errors/cli-error';
import { type Action, PERMISSIONS, ruleFor } from './permission-matrix';

/**
 * Refuses (exit 4) unless the matrix allows `action` for the actor's current role. For an 'own'
 * rule, `owns` says whether the actor owns the record; call it with no record to check that the
 * role may do the action at all.
 */
export function assertAllowed(actor: Actor, action: Action, owns?: () => boolean): void {
  const rule = ruleFor(action, actor.role);
  if (rule === 'any') return;
  if (rule === 'own' && (owns === undefined || owns())) return;
  const spec = PERMISSIONS[action];
  const why = rule === 'own' ? ` unless ${'ownership' in spec ? spec.ownership : 'it is theirs'}` : '';
  throw forbidden(`permission denied: ${actor.role} cannot ${spec.description}${why}`);
}
