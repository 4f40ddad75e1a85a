import { MODULE_NAMES, type Plan, planIncludes, plansWith } from '../domain/plans';
import { forbidden } from '../errors/cli-error';
import { type Action, PERMISSIONS } from './permission-matrix';

/**
 * Refuses (exit 4) an action whose module the tenant's plan lacks, whatever the role, naming the
 * plans that include it so the user knows what to choose: "the STARTER plan does not include
 * reports: PROFESSIONAL and ENTERPRISE do".
 */
export function assertInPlan(plan: Plan, action: Action): void {
  const { module } = PERMISSIONS[action];
  if (planIncludes(plan, module)) return;
  const others = plansWith(module);
  throw forbidden(`the ${plan} plan does not include ${MODULE_NAMES[module]}: ${others.join(' and ')} ${others.length === 1 ? 'does' : 'do'}`);
}
