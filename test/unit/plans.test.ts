import { DEFAULT_PLAN, MODULES, PLAN_SPECS, PLANS, firstPlanWith, isPlan, planIncludes, plansWith } from '../../src/domain/plans';

describe('plans', () => {
  it('should have the limits and modules of SPEC §9, null for no limit', () => {
    expect(PLAN_SPECS).toEqual({
      STARTER: { limits: { employees: 5, clients: 1000 }, modules: ['crm'] },
      PROFESSIONAL: { limits: { employees: 25, clients: 100000 }, modules: ['crm', 'reports', 'csv'] },
      ENTERPRISE: { limits: { employees: null, clients: null }, modules: ['crm', 'reports', 'csv', 'audit'] },
    });
  });

  it('should put a sign-up without a plan on STARTER', () => {
    expect(DEFAULT_PLAN).toBe('STARTER');
  });

  it('should keep in every larger plan what a smaller one includes, and raise the limits', () => {
    PLANS.slice(1).forEach((plan, i) => {
      const smaller = PLAN_SPECS[PLANS[i]];
      for (const module of smaller.modules) expect([plan, module, planIncludes(plan, module)]).toEqual([plan, module, true]);
      for (const limit of ['employees', 'clients'] as const) {
        const [before, after] = [smaller.limits[limit], PLAN_SPECS[plan].limits[limit]];
        expect(after === null || (before !== null && after > before)).toBe(true);
      }
    });
  });

  it('should name the plans that include each module, smallest first', () => {
    expect(MODULES.map((module) => [module, plansWith(module), firstPlanWith(module)])).toEqual([
      ['crm', ['STARTER', 'PROFESSIONAL', 'ENTERPRISE'], 'STARTER'],
      ['reports', ['PROFESSIONAL', 'ENTERPRISE'], 'PROFESSIONAL'],
      ['csv', ['PROFESSIONAL', 'ENTERPRISE'], 'PROFESSIONAL'],
      ['audit', ['ENTERPRISE'], 'ENTERPRISE'],
    ]);
  });

  it('should recognise a plan name exactly (upper case, as stored)', () => {
    expect(PLANS.filter(isPlan)).toEqual(PLANS);
    expect(['starter', 'GOLD', '', 'STARTER '].filter(isPlan)).toEqual([]);
  });
});
