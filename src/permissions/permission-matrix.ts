import { type Module } from '../domain/plans';
import { type Role } from '../domain/roles';

/**
 * Who may do what, as data. Each action maps every role to one rule:
 * - 'any': allowed on every record;
 * - 'own': allowed only on records the actor owns (see `ownership` for what owning means);
 * - false: refused.
 * and belongs to one module of the plans (src/domain/plans.ts): a tenant whose plan lacks the
 * module is refused the action whatever the role (`assertInPlan`).
 * Services consult it through `assertAllowed`, tests iterate over it and `docs/permissions.md` is
 * generated from it, so the three cannot disagree.
 */
export type Rule = 'any' | 'own' | false;

export interface ActionSpec {
  description: string;
  rules: Record<Role, Rule>;
  module: Module;
  /** What "own" means for this action, for the generated documentation. */
  ownership?: string;
}

export const PERMISSIONS = {
  'employee.read': { description: 'read employees', rules: { MANAGEMENT: 'any', SALES: 'any', SUPPORT: 'any' }, module: 'crm' },
  'employee.create': { description: 'create an employee', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'employee.update': { description: 'update an employee', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'employee.deactivate': { description: 'deactivate or reactivate an employee', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'employee.delete': { description: 'delete an employee', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'employee.reset-password': { description: "reset an employee's password", rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'client.read': { description: 'read clients', rules: { MANAGEMENT: 'any', SALES: 'any', SUPPORT: 'any' }, module: 'crm' },
  'client.create': { description: 'create a client (it becomes theirs)', rules: { MANAGEMENT: false, SALES: 'any', SUPPORT: false }, module: 'crm' },
  'client.update': {
    description: "update a client's details",
    rules: { MANAGEMENT: false, SALES: 'own', SUPPORT: false },
    module: 'crm',
    ownership: 'the client is theirs',
  },
  'client.reassign': {
    description: "reassign a client's sales owner",
    rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false },
    module: 'crm',
  },
  'client.delete': { description: 'delete a client (only one with no contracts)', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'contract.read': { description: 'read contracts', rules: { MANAGEMENT: 'any', SALES: 'any', SUPPORT: 'any' }, module: 'crm' },
  'contract.create': { description: 'create a contract', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'contract.update': {
    description: 'update a contract, sign it, record a payment',
    rules: { MANAGEMENT: 'any', SALES: 'own', SUPPORT: false },
    module: 'crm',
    ownership: "the contract's client is theirs",
  },
  'contract.delete': { description: 'delete a contract (only unsigned, without events)', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'event.read': { description: 'read events', rules: { MANAGEMENT: 'any', SALES: 'any', SUPPORT: 'any' }, module: 'crm' },
  'event.create': {
    description: "create an event for a signed contract",
    rules: { MANAGEMENT: false, SALES: 'own', SUPPORT: false },
    module: 'crm',
    ownership: "the contract's client is theirs",
  },
  'event.update': {
    description: 'update an event',
    rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: 'own' },
    module: 'crm',
    ownership: 'the event is assigned to them',
  },
  'event.assign-support': {
    description: "assign or change an event's support person",
    rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false },
    module: 'crm',
  },
  'event.delete': { description: 'delete an event', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'crm' },
  'notification.read': { description: 'read their notifications, mark them read', rules: { MANAGEMENT: 'any', SALES: 'any', SUPPORT: 'any' }, module: 'crm' },
  'report.read': { description: 'see the report dashboard', rules: { MANAGEMENT: 'any', SALES: 'any', SUPPORT: 'any' }, module: 'reports' },
  'csv.import': {
    description: 'import clients from a CSV file (they become theirs)',
    rules: { MANAGEMENT: false, SALES: 'any', SUPPORT: false },
    module: 'csv',
  },
  'csv.export': { description: 'export clients, contracts or events as CSV', rules: { MANAGEMENT: 'any', SALES: 'any', SUPPORT: 'any' }, module: 'csv' },
  'audit.read': { description: 'read the audit trail', rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false }, module: 'audit' },
  'database.revert': {
    description: 'revert a schema migration, dropping what it created (once the database has employees)',
    rules: { MANAGEMENT: 'any', SALES: false, SUPPORT: false },
    // Upkeep of the database, not a feature sold: in the module every plan includes.
    module: 'crm',
  },
} as const satisfies Record<string, ActionSpec>;

export type Action = keyof typeof PERMISSIONS;

export function ruleFor(action: Action, role: Role): Rule {
  return PERMISSIONS[action].rules[role];
}
