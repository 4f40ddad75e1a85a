import { ROLES, type Role } from '../../src/domain/roles';
import { type Action, PERMISSIONS, ruleFor } from '../../src/permissions/permission-matrix';

/**
 * Every operation × role × whether the caller owns the record, with the matrix's verdict: the
 * permission tests of the services and of the command line drive their cases from here, so the
 * rule they check is the matrix's and nobody restates it.
 */
export function permissionCases<O extends { action: Action }>(operations: O[]): { operation: O; role: Role; owns: boolean; allowed: boolean }[] {
  return operations.flatMap((operation) =>
    ROLES.flatMap((role) =>
      [true, false].map((owns) => {
        const rule = ruleFor(operation.action, role);
        return { operation, role, owns, allowed: rule === 'any' || (rule === 'own' && owns) };
      }),
    ),
  );
}

/** The matrix's contract and event actions, which those tests must all cover. */
export function contractAndEventActions(): Action[] {
  return (Object.keys(PERMISSIONS) as Action[]).filter((action) => action.startsWith('contract.') || action.startsWith('event.')).sort();
}
