import fs from 'node:fs';
import path from 'node:path';
import { type Actor } from '../../src/auth/actor';
import { ROLES, type Role } from '../../src/entities/employee.entity';
import { CliError, exitCodeFor } from '../../src/errors/cli-error';
import { assertAllowed } from '../../src/permissions/assert-allowed';
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
  'audit.read': ['any', 'no', 'no'],
  'database.revert': ['any', 'no', 'no'],
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
    for (const row of rows) expect(row.split(' | ')).toHaveLength(ROLES.length + 1);
  });
});
