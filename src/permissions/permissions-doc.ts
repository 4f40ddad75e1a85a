import { PLAN_SPECS, PLANS, type PlanLimits, plansWith } from '../domain/plans';
import { ROLES } from '../domain/roles';
import { type ActionSpec, PERMISSIONS, type Rule } from './permission-matrix';

/**
 * docs/permissions.md, rendered from the permission matrix and the plans alone, so the document
 * cannot drift from what the services enforce (a unit test fails when the committed file is stale).
 */
export function renderPermissionsDoc(): string {
  const header = `| action | ${ROLES.join(' | ')} | module | plans |`;
  const rule = `| --- | ${ROLES.map(() => '---').join(' | ')} | --- | --- |`;
  const rows = (Object.entries(PERMISSIONS) as [string, ActionSpec][]).map(
    ([action, spec]) =>
      `| ${spec.description} (\`${action}\`) | ${ROLES.map((role) => cell(spec.rules[role], spec)).join(' | ')} | ${spec.module} | ${plansCell(spec)} |`,
  );
  return [
    '# Permissions',
    '',
    '<!-- Generated from src/permissions/permission-matrix.ts and src/domain/plans.ts by `npm run docs:permissions`; do not edit by hand. -->',
    '',
    'Who may do what. The role that counts is the one in the database when the command runs:',
    'a demoted or deactivated employee loses access at once. A refusal exits with code 4 and writes nothing.',
    '',
    header,
    rule,
    ...rows,
    '',
    '**yes**: on every record. **no**: refused. **own**: only when the condition in the cell holds.',
    '**module**: the part of the product the action belongs to; **plans**: the plans that include that module.',
    "An action whose module the tenant's plan lacks is refused whatever the role: exit 4, naming the plans that have it.",
    'A tenant whose trial has ended, or that is suspended or cancelled, is refused every command but `whoami`, `logout`',
    'and `tenant show` (any role): exit 4 (docs/tenancy.md).',
    '',
    '## Plans',
    '',
    '| plan | active employees | clients | modules |',
    '| --- | --- | --- | --- |',
    ...PLANS.map((plan) => {
      const { limits, modules } = PLAN_SPECS[plan];
      return `| \`${plan}\` | ${limit(limits.employees)} | ${limit(limits.clients)} | ${modules.join(', ')} |`;
    }),
    '',
    'The database counts active employees and clients per tenant and refuses, under a lock, a creation or',
    'reactivation that would pass the limit: exit 6 (HTTP 409), naming the limit and the plan. A tenant over its',
    'limit after a change of plan may still deactivate and delete.',
    '',
    '',
  ].join('\n');
}

function cell(value: Rule, spec: ActionSpec): string {
  if (value === 'any') return 'yes';
  if (value === 'own') return `own: ${spec.ownership ?? 'the record is theirs'}`;
  return 'no';
}

function plansCell(spec: ActionSpec): string {
  const plans = plansWith(spec.module);
  return plans.length === PLANS.length ? 'all' : plans.join(', ');
}

function limit(value: PlanLimits[keyof PlanLimits]): string {
  return value === null ? 'no limit' : value.toLocaleString('en-US');
}
