/**
 * The plans a tenant can be on, as data: their limits and the modules they include. The
 * permission matrix names the module of each action, `assertInPlan` refuses an action whose module
 * the plan lacks, and docs/permissions.md is generated from both.
 */

/** The parts of the product a plan may include, in the order the plans add them. */
export const MODULES = ['crm', 'reports', 'csv', 'audit'] as const;
export type Module = (typeof MODULES)[number];

/** How a refusal and the documentation name a module. */
export const MODULE_NAMES: Record<Module, string> = {
  crm: 'the CRM',
  reports: 'reports',
  csv: 'CSV import and export',
  audit: 'the audit trail',
};

/** From the smallest plan to the largest: a module first included by one plan stays in the larger ones. */
export const PLANS = ['STARTER', 'PROFESSIONAL', 'ENTERPRISE'] as const;
export type Plan = (typeof PLANS)[number];

export interface PlanLimits {
  /** Active employees (a deactivated one does not count); null for no limit. */
  employees: number | null;
  /** Clients; null for no limit. */
  clients: number | null;
}

export interface PlanSpec {
  limits: PlanLimits;
  modules: readonly Module[];
}

export const PLAN_SPECS = {
  STARTER: { limits: { employees: 5, clients: 1_000 }, modules: ['crm'] },
  PROFESSIONAL: { limits: { employees: 25, clients: 100_000 }, modules: ['crm', 'reports', 'csv'] },
  ENTERPRISE: { limits: { employees: null, clients: null }, modules: ['crm', 'reports', 'csv', 'audit'] },
} as const satisfies Record<Plan, PlanSpec>;

/** The plan a tenant gets when none is chosen (a sign-up without `--plan`). */
export const DEFAULT_PLAN: Plan = 'STARTER';

export function isPlan(value: string): value is Plan {
  return (PLANS as readonly string[]).includes(value);
}

export function planIncludes(plan: Plan, module: Module): boolean {
  return (PLAN_SPECS[plan].modules as readonly Module[]).includes(module);
}

/** The plans that include `module`, smallest first. */
export function plansWith(module: Module): Plan[] {
  return PLANS.filter((plan) => planIncludes(plan, module));
}

/** The smallest plan that includes `module`: the one to name when a plan lacks it. */
export function firstPlanWith(module: Module): Plan {
  const [first] = plansWith(module);
  if (!first) throw new Error(`no plan includes the module ${module}`);
  return first;
}

/** What a plan's limits count. */
export type LimitedCount = keyof PlanLimits;

/**
 * The refusal of a count growing past a plan's limit (exit 6). The database's usage triggers
 * (migration TenantLimits) raise the same sentence; the services say it first where it is cheap.
 */
export function planLimitMessage(plan: string, counted: LimitedCount, limit: number): string {
  return counted === 'employees'
    ? `the ${plan} plan allows ${limit} active employees: deactivate one or choose a larger plan`
    : `the ${plan} plan allows ${limit} clients: delete some or choose a larger plan`;
}
