/** The three roles of the permission matrix. Plain data, so the CLI can offer them without loading the entities. */
export const ROLES = ['MANAGEMENT', 'SALES', 'SUPPORT'] as const;
export type Role = (typeof ROLES)[number];

/** How the last active manager of a tenant would have been removed. */
export type ManagerRemoval = 'deactivated' | 'deleted' | 'moved out of MANAGEMENT';

/**
 * The refusal to remove a tenant's last active MANAGEMENT account (exit 6). The employees'
 * triggers (migration LastActiveManager) raise the same sentence and hint; the employee service
 * says it first.
 */
export function lastManagerMessage(employeeId: number, removal: ManagerRemoval): string {
  return `employee ${employeeId} is the last active MANAGEMENT account and cannot be ${removal}`;
}
export const LAST_MANAGER_HINT = 'create or reactivate another manager first';
