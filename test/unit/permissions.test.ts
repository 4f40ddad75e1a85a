import fs from 'node:fs';
import path from 'node:path';
import { type Actor } from '../../src/auth/actor';
import { type Module, PLANS, type Plan } from '../../src/domain/plans';
import { ROLES, type Role } from '../../src/entities/employee.entity';
import { CliError, exitCodeFor } from '../../src/errors/cli-error';
import { assertAllowed } from '../../src/permissions/assert-allowed';
import { assertInPlan } from '../../src/permissions/assert-in-plan';
import { type Action, PERMISSIONS, ruleFor } from '../../src/permissions/permission-matrix';
import { renderPermissionsDoc } from '../../src/permissions/permissions-doc';

const actorWith = (role: Role): Actor => ({ id: 1, role, email: 'a@epic.events', firstName: 'A', lastName: 'B', mustChangePassword: false });
const ACTIONS = Object.keys(PERMISSIONS) as Action[];

/** docs/permissions.md's table, written out independently of the matrix: the matrix must say exactly this. */
const DOCUMENTED_TABLE: Record<Action, [management: string, sales: string, support: string]> = {
  'employee.read': ['any', 'any', 'any'],
  'employee.create': ['any', 'no', 'no'],
  'employee.update': ['any', 'no', 'no'],
  'employee.deactivate': ['any', 'no', 'no'],
  'employee.delete': ['any', 'no', 'no'],
  'employee.reset-password': ['any', 'no', 'no'],
  'client.read': ['any', 'any', 'any'],
  'client.create': ['no', 'any', 'no'],
  'client.update': ['no', 'own', 'no'],
  'client.reassign': ['any', 'no', 'no'],
  'client.delete': ['any', 'no', 'no'],
  'contract.read': ['any', 'any', 'any'],
  'contract.create': ['any', 'no', 'no'],
  'contract.update': ['any', 'own', 'no'],
  'contract.delete': ['any', 'no', 'no'],
  'event.read': ['any', 'any', 'any'],
  'event.create': ['no', 'own', 'no'],
  'event.update': ['any', 'no', 'own'],
  'event.assign-support': ['any', 'no', 'no'],
  'event.delete': ['any', 'no', 'no'],
  'notification.read': ['any', 'any', 'any'],
  'report.read': ['any', 'any', 'any'],
  'csv.import': ['no', 'any', 'no'],
  'csv.export': ['any', 'any', 'any'],
  'audit.read': ['any', 'no', 'no'],
  'database.revert': ['any', 'no', 'no'],
};

/** The module of each action as SPEC §9 lists them, written out independently of the matrix. */
const DOCUMENTED_MODULES: Record<Action, Module> = {
  'employee.read': 'crm',
  'employee.create': 'crm',
  'employee.update': 'crm',
  'employee.deactivate': 'crm',
  'employee.delete': 'crm',
  'employee.reset-password': 'crm',
  'client.read': 'crm',
  'client.create': 'crm',
  'client.update': 'crm',
  'client.reassign': 'crm',
  'client.delete': 'crm',
  'contract.read': 'crm',
  'contract.create': 'crm',
  'contract.update': 'crm',
  'contract.delete': 'crm',
  'event.read': 'crm',
  'event.create': 'crm',
  'event.update': 'crm',
  'event.assign-support': 'crm',
  'event.delete': 'crm',
  'notification.read': 'crm',
  'report.read': 'reports',
  'csv.import': 'csv',
  'csv.export': 'csv',
  'audit.read': 'audit',
  // Upkeep of the database, which every plan must be able to do.
  'database.revert': 'crm',
};

describe('permission matrix', () => {
  it('should state the documented permissions for every action and role', () => {
    expect(ACTIONS.sort()).toEqual((Object.keys(DOCUMENTED_TABLE) as Action[]).sort());
    for (const action of ACTIONS) {
      const expected = DOCUMENTED_TABLE[action];
      ROLES.forEach((role, i) => expect([action, role, ruleFor(action, role) || 'no']).toEqual([action, role, expected[i]]));
    }
  });

  it('should let every role read every record', () => {
    for (const action of ACTIONS.filter((a) => a.endsWith('.read') && a !== 'audit.read')) {
      for (const role of ROLES) expect(ruleFor(action, role)).toBe('any');
    }
  });

  it('should explain what owning means for every action with an "own" rule', () => {
    for (const action of ACTIONS) {
      const spec = PERMISSIONS[action];
      if (ROLES.some((role) => spec.rules[role] === 'own')) expect('ownership' in spec && spec.ownership).toBeTruthy();
    }
  });

  describe.each(ACTIONS.flatMap((action) => ROLES.map((role) => [action, role] as const)))('assertAllowed(%s) for %s', (action, role) => {
    const rule = ruleFor(action, role);
    const actor = actorWith(role);

    it(rule === 'any' ? 'should allow on any record' : 'should follow the matrix on any record', () => {
      const call = () => assertAllowed(actor, action, () => false);
      if (rule === 'any') expect(call).not.toThrow();
      else expect(call).toThrow(CliError);
    });

    it(rule === false ? 'should refuse with exit 4 even on their own record' : 'should allow on their own record', () => {
      const call = () => assertAllowed(actor, action, () => true);
      if (rule === false) {
        let caught: unknown;
        try {
          call();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(CliError);
        expect(exitCodeFor((caught as CliError).code)).toBe(4);
        expect((caught as CliError).message).toContain(role);
      } else {
        expect(call).not.toThrow();
      }
    });
  });
});

describe('a refusal names who may do it', () => {
  const refusal = (role: Role, action: Action, owns?: () => boolean): string => {
    try {
      assertAllowed(actorWith(role), action, owns);
    } catch (error) {
      return (error as CliError).message;
    }
    throw new Error(`${role} was allowed to ${action}`);
  };

  it('should name the role that may, for a role that may not', () => {
    expect(refusal('SUPPORT', 'employee.create')).toBe('permission denied: SUPPORT cannot create an employee (MANAGEMENT can)');
  });

  it('should say when an "own" rule applies to the roles that may', () => {
    expect(refusal('SUPPORT', 'contract.update')).toBe(
      "permission denied: SUPPORT cannot update a contract, sign it, record a payment (MANAGEMENT can; SALES can, when the contract's client is theirs)",
    );
    expect(refusal('MANAGEMENT', 'event.create')).toBe(
      "permission denied: MANAGEMENT cannot create an event for a signed contract (SALES can, when the contract's client is theirs)",
    );
  });

  it('should name the other roles to a role refused because the record is not theirs', () => {
    expect(refusal('SALES', 'contract.update', () => false)).toBe(
      "permission denied: SALES cannot update a contract, sign it, record a payment unless the contract's client is theirs (MANAGEMENT can)",
    );
  });

  it('should name, for every refusal in the matrix, exactly the roles that are allowed', () => {
    for (const action of ACTIONS) {
      for (const role of ROLES.filter((r) => ruleFor(action, r) === false)) {
        const named = refusal(role, action).match(/\(([^)]*)\)$/)?.[1] ?? '';
        const allowed = ROLES.filter((r) => ruleFor(action, r) !== false);
        expect([action, role, [...named.matchAll(/\b(MANAGEMENT|SALES|SUPPORT)\b/g)].map((m) => m[1])]).toEqual([action, role, allowed]);
      }
    }
  });
});

describe('the module of each action', () => {
  it('should be the one SPEC §9 gives, for every action', () => {
    expect(Object.fromEntries(ACTIONS.map((action) => [action, PERMISSIONS[action].module]))).toEqual(DOCUMENTED_MODULES);
  });
});

describe('assertInPlan', () => {
  /** Which plans include each module, written out from SPEC §9's table. */
  const INCLUDED: Record<Module, Plan[]> = {
    crm: ['STARTER', 'PROFESSIONAL', 'ENTERPRISE'],
    reports: ['PROFESSIONAL', 'ENTERPRISE'],
    csv: ['PROFESSIONAL', 'ENTERPRISE'],
    audit: ['ENTERPRISE'],
  };
  const refusal = (plan: Plan, action: Action): CliError | undefined => {
    try {
      assertInPlan(plan, action);
      return undefined;
    } catch (error) {
      return error as CliError;
    }
  };

  it.each(ACTIONS.flatMap((action) => PLANS.map((plan) => [action, plan] as const)))('should follow the plans for %s on %s', (action, plan) => {
    const error = refusal(plan, action);
    const included = INCLUDED[DOCUMENTED_MODULES[action]];
    if (included.includes(plan)) {
      expect(error).toBeUndefined();
      return;
    }
    expect(error).toBeInstanceOf(CliError);
    expect(exitCodeFor((error as CliError).code)).toBe(4);
    // One line that names the plan refused and every plan that has the module.
    expect((error as CliError).message).not.toContain('\n');
    expect((error as CliError).message).toMatch(new RegExp(`^the ${plan} plan does not include .+: ${included.join(' and ')} (do|does)$`));
  });

  it('should say which plans include the module, in the words of the refusal', () => {
    expect(refusal('STARTER', 'report.read')?.message).toBe('the STARTER plan does not include reports: PROFESSIONAL and ENTERPRISE do');
    expect(refusal('STARTER', 'csv.import')?.message).toBe('the STARTER plan does not include CSV import and export: PROFESSIONAL and ENTERPRISE do');
    expect(refusal('PROFESSIONAL', 'audit.read')?.message).toBe('the PROFESSIONAL plan does not include the audit trail: ENTERPRISE does');
  });

  it('should refuse whatever the role: the plan is checked apart from the role', () => {
    // assertInPlan takes no actor: even MANAGEMENT, who may read the audit trail, is refused it on STARTER.
    expect(ruleFor('audit.read', 'MANAGEMENT')).toBe('any');
    expect(refusal('STARTER', 'audit.read')?.code).toBe('forbidden');
  });
});

describe('docs/permissions.md', () => {
  it('should be what `npm run docs:permissions` generates from the matrix (run it after changing the matrix)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '../../docs/permissions.md'), 'utf8');
    expect(committed).toBe(renderPermissionsDoc());
  });

  it('should have one row per action with a cell for every role', () => {
    const rows = renderPermissionsDoc()
      .split('\n')
      .filter((line) => /\(`[a-z-]+\.[a-z-]+`\)/.test(line));
    expect(rows).toHaveLength(ACTIONS.length);
    // action, a cell per role, module, plans
    for (const row of rows) expect(row.split(' | ')).toHaveLength(ROLES.length + 3);
  });

  it("should show each action's module and the plans that include it", () => {
    const doc = renderPermissionsDoc();
    expect(doc).toContain('| read the audit trail (`audit.read`) | yes | no | no | audit | ENTERPRISE |');
    expect(doc).toContain('| see the report dashboard (`report.read`) | yes | yes | yes | reports | PROFESSIONAL, ENTERPRISE |');
    expect(doc).toContain('| read clients (`client.read`) | yes | yes | yes | crm | all |');
  });

  it('should list the plans with their limits and modules', () => {
    const doc = renderPermissionsDoc();
    expect(doc).toContain('| `STARTER` | 5 | 1,000 | crm |');
    expect(doc).toContain('| `ENTERPRISE` | no limit | no limit | crm, reports, csv, audit |');
  });
});
