import { humanTime } from '../../output/json-values';
import { employeeJson } from '../../output/record-json';
import { type CommandResult, type HumanView, tableView } from '../../output/view';
import { type EmployeeRecord } from '../../backend/backend';

export const employeeName = (e: Pick<EmployeeRecord, 'firstName' | 'lastName'>): string => `${e.firstName} ${e.lastName}`;

export function employeeFields(employee: EmployeeRecord): [string, string][] {
  return [
    ['id', String(employee.id)],
    ['name', employeeName(employee)],
    ['email', employee.email],
    ['phone', employee.phone ?? ''],
    ['role', employee.role],
    ['active', employee.isActive ? 'yes' : 'no (deactivated)'],
    ['must change password', employee.mustChangePassword ? 'yes' : 'no'],
    ['locked', employee.lockedUntil ? `yes, until ${humanTime(employee.lockedUntil)} (too many wrong passwords; \`employee reset-password\` unlocks)` : 'no'],
    ['created', humanTime(employee.createdAt)],
    ['updated', humanTime(employee.updatedAt)],
    ['version', String(employee.version)],
  ];
}

/** One employee: the record on a terminal, the documented JSON object with --json. */
export function employeeResult(employee: EmployeeRecord, title?: string): CommandResult {
  return { json: employeeJson(employee), human: { kind: 'record', fields: employeeFields(employee), title } };
}

export function employeeTable(employees: EmployeeRecord[], empty: string): HumanView {
  return tableView(
    employees,
    [
      { header: 'id', value: (e) => String(e.id), align: 'right' },
      { header: 'name', value: (e) => employeeName(e), flexible: true },
      { header: 'email', value: (e) => e.email, flexible: true },
      { header: 'phone', value: (e) => e.phone ?? '' },
      { header: 'role', value: (e) => e.role },
      { header: 'active', value: (e) => (e.isActive ? 'yes' : 'no') },
    ],
    empty,
  );
}
