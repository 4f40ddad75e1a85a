import { type EntityManager } from 'typeorm';
import { type Actor } from '../auth/actor';
import { describeOwned, type OwnedRecords } from '../domain/owned-records';
import { LAST_MANAGER_HINT, lastManagerMessage, type ManagerRemoval } from '../domain/roles';
import { generateOneTimePassword, hashPassword } from '../auth/passwords';
import { passwordPolicyError, passwordRuleError } from '../validation/password-policy';
import { joinTransaction, type SqlRunner } from '../database/sql-runner';
import { assertRoomFor } from './tenant.service';
import { Employee, type Role } from '../entities/employee.entity';
import { conflict, fieldText, notFound, usageError } from '../errors/cli-error';
import { assertAllowed } from '../permissions/assert-allowed';
import { parseEmail, parsePhone, parseRole } from '../validation/parse';
import { parseFirstName, parseLastName } from '../validation/employee-fields';
import { changedFields, recordAudit } from './audit.service';
import { assertHandedOverEventsFit, notifyEventsHandedOver } from './event.service';
import { moveContracts, moveOwned, OWNED } from './hand-over';
import { applyKeyset, type Page, type PageRequest, toPage } from './pagination';

/** What every change a person makes to an employee also sets (optimistic locking: `version`). */
const CHANGED = { updatedAt: () => 'now()', version: () => 'version + 1' };

/** An employee as the CLI shows it (never the password hash). */
export interface EmployeeRecord {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  role: Role;
  isActive: boolean;
  mustChangePassword: boolean;
  /** The end of a lockout in force (too many wrong passwords), else null. */
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface EmployeeFilters {
  role?: Role;
  /** true: only deactivated employees; otherwise only active ones. */
  inactive?: boolean;
}

/** Raw values from flags or prompts; the service validates and normalises them. */
export interface NewEmployee {
  firstName: string;
  lastName: string;
  email: string;
  role: string;
  phone?: string;
  /** From --password-stdin; without it a one-time password is generated. */
  password?: string;
}

export interface EmployeeChanges {
  firstName?: string;
  lastName?: string;
  email?: string;
  /** An empty string removes the phone number. */
  phone?: string;
  role?: string;
  /** Refuse unless the employee is still at this version (scripts); default: whatever it is now. */
  expectedVersion?: number;
}

export interface EmployeeWithPassword {
  employee: EmployeeRecord;
  /** Shown once, never stored in clear; set when the service generated the password. */
  oneTimePassword?: string;
}

export type HandedOver = OwnedRecords;

export interface DeletedEmployee {
  employee: EmployeeRecord;
  reassignedTo?: EmployeeRecord;
  handedOver: HandedOver;
}

const AUDITED_FIELDS: (keyof EmployeeRecord & string)[] = ['firstName', 'lastName', 'email', 'phone', 'role', 'isActive', 'mustChangePassword'];

function toRecord(e: Employee): EmployeeRecord {
  return {
    id: e.id,
    firstName: e.firstName,
    lastName: e.lastName,
    email: e.email,
    phone: e.phone,
    role: e.role,
    isActive: e.isActive,
    mustChangePassword: e.mustChangePassword,
    // A lock that has ended is no lock: the column keeps it until the next attempt.
    lockedUntil: e.lockedUntil && new Date(e.lockedUntil).getTime() > Date.now() ? new Date(e.lockedUntil) : null,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    version: e.version,
  };
}

export async function listEmployees(db: SqlRunner, actor: Actor, filters: EmployeeFilters, page: PageRequest): Promise<Page<EmployeeRecord>> {
  assertAllowed(actor, 'employee.read');
  const query = db.manager
    .createQueryBuilder(Employee, 'employee')
    .where('employee.is_active = :active', { active: !filters.inactive });
  if (filters.role) query.andWhere('employee.role = :role', { role: filters.role });
  const rows = await applyKeyset(query, 'employee.id', page).getMany();
  return toPage(rows.map(toRecord), page);
}

export async function getEmployee(db: SqlRunner, actor: Actor, id: number): Promise<EmployeeRecord> {
  assertAllowed(actor, 'employee.read');
  const employee = await db.manager.findOneBy(Employee, { id });
  if (!employee) throw notFound('employee', id);
  return toRecord(employee);
}

export async function createEmployee(db: SqlRunner, actor: Actor, input: NewEmployee): Promise<EmployeeWithPassword> {
  assertAllowed(actor, 'employee.create');
  const values = {
    firstName: parseFirstName(input.firstName, { field: 'firstName' }),
    lastName: parseLastName(input.lastName, { field: 'lastName' }),
    email: parseEmail(input.email, { field: 'email' }),
    phone: blank(input.phone) ? null : parsePhone(input.phone, { field: 'phone' }),
    role: parseRole(input.role, { field: 'role' }),
  };
  if (input.password !== undefined) {
    const rule = passwordPolicyError(input.password);
    if (rule) throw passwordRuleError(rule, 'password');
  }
  await assertRoomFor(db, 'employees');
  const oneTimePassword = input.password === undefined ? generateOneTimePassword() : undefined;
  const passwordHash = await hashPassword(input.password ?? (oneTimePassword as string));
  return db.transaction(async (manager) => {
    await assertEmailFree(manager, values.email);
    const inserted = await manager.insert(Employee, {
      ...values,
      passwordHash,
      mustChangePassword: oneTimePassword !== undefined,
    });
    const id = Number(inserted.identifiers[0].id);
    const employee = await loadEmployee(manager, id);
    await recordAudit(manager, {
      actor,
      action: 'employee.create',
      entityType: 'employee',
      entityId: id,
      changes: changedFields(null, employee, AUDITED_FIELDS),
    });
    return { employee, oneTimePassword };
  });
}

export async function updateEmployee(db: SqlRunner, actor: Actor, id: number, input: EmployeeChanges): Promise<EmployeeRecord> {
  assertAllowed(actor, 'employee.update');
  const changes: Partial<EmployeeRecord> = {};
  if (input.firstName !== undefined) changes.firstName = parseFirstName(input.firstName, { field: 'firstName' });
  if (input.lastName !== undefined) changes.lastName = parseLastName(input.lastName, { field: 'lastName' });
  if (input.email !== undefined) changes.email = parseEmail(input.email, { field: 'email' });
  if (input.phone !== undefined) changes.phone = blank(input.phone) ? null : parsePhone(input.phone, { field: 'phone' });
  if (input.role !== undefined) changes.role = parseRole(input.role, { field: 'role' });
  if (Object.keys(changes).length === 0) {
    throw usageError('nothing to update', fieldText`pass at least one of {firstName}, {lastName}, {email}, {phone}, {role}`);
  }
  return db.transaction(async (manager) => {
    const activeManagers = changes.role !== undefined ? await lockActiveManagers(manager) : [];
    const before = await lockEmployee(manager, id, changes.role !== undefined ? 'authority' : 'details');
    if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
      throw conflict(`employee ${id} was changed by someone else; show it again and retry`, `it is at version ${before.version}, not ${input.expectedVersion}`);
    }
    if (changes.email !== undefined && changes.email.toLowerCase() !== before.email.toLowerCase()) {
      await assertEmailFree(manager, changes.email, id);
    }
    if (changes.role !== undefined && changes.role !== before.role) {
      if (id === actor.id) throw conflict('you cannot change your own role', 'ask another manager to do it');
      assertAnotherActiveManager(before, activeManagers, 'moved out of MANAGEMENT');
      await assertRoleChangeAllowed(manager, before, changes.role);
    }
    const after = { ...before, ...changes };
    const diff = changedFields(before, after, AUDITED_FIELDS);
    if (Object.keys(diff).length === 0) return before;
    await manager.update(Employee, { id }, { ...changes, ...CHANGED });
    await recordAudit(manager, { actor, action: 'employee.update', entityType: 'employee', entityId: id, changes: diff });
    return loadEmployee(manager, id);
  });
}

/** Deactivation keeps every record and ends the employee's sessions at once. */
export async function deactivateEmployee(db: SqlRunner, actor: Actor, id: number): Promise<EmployeeRecord> {
  assertAllowed(actor, 'employee.deactivate');
  if (id === actor.id) throw conflict('you cannot deactivate yourself', 'ask another manager to do it');
  return db.transaction(async (manager) => {
    const activeManagers = await lockActiveManagers(manager);
    const before = await lockEmployee(manager, id, 'authority');
    if (!before.isActive) throw conflict(`employee ${id} is already deactivated`);
    assertAnotherActiveManager(before, activeManagers, 'deactivated');
    await manager.update(Employee, { id }, { isActive: false, ...CHANGED });
    await revokeSessions(manager, id, 'deactivated');
    const after = await loadEmployee(manager, id);
    await recordAudit(manager, {
      actor,
      action: 'employee.deactivate',
      entityType: 'employee',
      entityId: id,
      changes: changedFields(before, after, AUDITED_FIELDS),
    });
    return after;
  });
}

/**
 * What an employee still owns. Deactivation keeps the records on purpose (the normal way out), but
 * clients left with someone who can no longer log in get no follow-up, so the caller says so.
 */
export async function ownedRecords(db: SqlRunner, id: number): Promise<OwnedRecords> {
  return countOwned(db.manager, id);
}

export async function reactivateEmployee(db: SqlRunner, actor: Actor, id: number): Promise<EmployeeRecord> {
  assertAllowed(actor, 'employee.deactivate');
  return db.transaction(async (manager) => {
    const before = await lockEmployee(manager, id, 'details');
    if (before.isActive) throw conflict(`employee ${id} is already active`);
    await assertRoomFor(joinTransaction(manager), 'employees');
    await manager.update(Employee, { id }, { isActive: true, ...CHANGED });
    const after = await loadEmployee(manager, id);
    await recordAudit(manager, {
      actor,
      action: 'employee.reactivate',
      entityType: 'employee',
      entityId: id,
      changes: changedFields(before, after, AUDITED_FIELDS),
    });
    return after;
  });
}

/**
 * A new one-time password (shown once), a forced change at next login, the lockout cleared and
 * every session of the employee revoked: whoever held the old password is out.
 */
export async function resetEmployeePassword(db: SqlRunner, actor: Actor, id: number): Promise<EmployeeWithPassword> {
  assertAllowed(actor, 'employee.reset-password');
  if (id === actor.id) throw usageError('you cannot reset your own password', 'run `epicevents password change`');
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  return db.transaction(async (manager) => {
    const before = await lockEmployee(manager, id, 'details');
    await manager.update(
      Employee,
      { id },
      { passwordHash, mustChangePassword: true, failedLoginCount: 0, lockedUntil: null, ...CHANGED },
    );
    const revoked = await revokeSessions(manager, id, 'password_reset');
    const after = await loadEmployee(manager, id);
    await recordAudit(manager, {
      actor,
      action: 'employee.reset-password',
      entityType: 'employee',
      entityId: id,
      // Which fields changed, never the hash itself.
      changes: { ...changedFields(before, after, AUDITED_FIELDS), password: { before: '(hidden)', after: '(reset)' }, sessionsRevoked: { before: null, after: revoked } },
    });
    return { employee: after, oneTimePassword };
  });
}

/**
 * Deletes an employee who owns nothing, or who hands everything over to `reassignTo` (an active
 * employee of the same role) in the same transaction. Deactivation is the normal way out.
 */
export async function deleteEmployee(db: SqlRunner, actor: Actor, id: number, options: { reassignTo?: number } = {}): Promise<DeletedEmployee> {
  assertAllowed(actor, 'employee.delete');
  if (id === actor.id) throw conflict('you cannot delete yourself', 'ask another manager to do it');
  if (options.reassignTo === id) throw usageError(fieldText`{reassignTo} must name another employee`);
  return db.transaction(async (manager) => {
    const activeManagers = await lockActiveManagers(manager);
    const employee = await lockEmployee(manager, id, 'authority');
    assertAnotherActiveManager(employee, activeManagers, 'deleted');
    const owned = await countOwned(manager, id);
    const total = owned.clients + owned.contracts + owned.events;
    let reassignedTo: EmployeeRecord | undefined;
    if (options.reassignTo !== undefined) {
      reassignedTo = await lockEmployee(manager, options.reassignTo, 'kept');
      if (!reassignedTo.isActive) throw conflict(`employee ${reassignedTo.id} is deactivated and cannot receive records`);
      if (reassignedTo.role !== employee.role) {
        throw conflict(`employee ${reassignedTo.id} is ${reassignedTo.role}; records of a ${employee.role} employee go to another ${employee.role} employee`);
      }
      if (total > 0) await handOver(manager, actor, employee.id, reassignedTo);
    } else if (total > 0) {
      throw conflict(
        `employee ${id} still has ${describeOwned(owned)}`,
        fieldText`hand them over with {reassignTo} <id of an active ${employee.role} employee>, or run \`epicevents employee deactivate ${id}\``,
      );
    }
    await manager.delete(Employee, { id });
    await recordAudit(manager, {
      actor,
      action: 'employee.delete',
      entityType: 'employee',
      entityId: id,
      changes: {
        ...changedFields(employee, {}, AUDITED_FIELDS),
        ...(reassignedTo && total > 0 ? { reassignedTo: { before: null, after: reassignedTo.id } } : {}),
      },
    });
    return { employee, reassignedTo, handedOver: owned };
  });
}

function blank(value: string | undefined): value is undefined | '' {
  return value === undefined || value.trim() === '';
}

async function loadEmployee(manager: EntityManager, id: number): Promise<EmployeeRecord> {
  const employee = await manager.findOneBy(Employee, { id });
  if (!employee) throw notFound('employee', id);
  return toRecord(employee);
}

/**
 * How a command holds an employee's row until its transaction ends (PostgreSQL's row-lock levels):
 * - 'authority' (deactivation, deletion, a role change): FOR UPDATE, which waits for the writes in
 *   flight that this employee authored, each holding its author FOR KEY SHARE (assertActorCurrent);
 * - 'details' (any other change): FOR NO KEY UPDATE, which lets the employee's own writes go on,
 *   so that two managers who update each other at once do not wait on each other;
 * - 'kept' (an employee who receives records and must stay active meanwhile): FOR KEY SHARE.
 */
type EmployeeLock = 'authority' | 'details' | 'kept';
const LOCK_MODES = { authority: 'pessimistic_write', details: 'for_no_key_update', kept: 'for_key_share' } as const;

/** Reads the employee and locks the row until the transaction ends, so checks and write agree. */
async function lockEmployee(manager: EntityManager, id: number, lock: EmployeeLock): Promise<EmployeeRecord> {
  const employee = await manager.findOne(Employee, { where: { id }, lock: { mode: LOCK_MODES[lock] } });
  if (!employee) throw notFound('employee', id);
  return toRecord(employee);
}

async function assertEmailFree(manager: EntityManager, email: string, exceptId?: number): Promise<void> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM employees WHERE email_key = lower($1) AND id <> $2', [email, exceptId ?? 0]);
  if (rows.length > 0) throw conflict(`an employee with the email ${email} already exists`);
}

/**
 * Locks the rows of every active manager (in id order, before any other employee row, so that
 * concurrent commands take their locks in the same order). Two concurrent deactivations of the
 * last two managers serialise here: the second sees the first one's change and is refused.
 */
async function lockActiveManagers(manager: EntityManager): Promise<number[]> {
  // NO KEY UPDATE, not UPDATE: a manager's own writes in flight (their author holds FOR KEY SHARE)
  // go on; the next deactivation, deletion or role change waits here.
  const rows: { id: number }[] = await manager.query(`SELECT id FROM employees WHERE role = 'MANAGEMENT' AND is_active ORDER BY id FOR NO KEY UPDATE`);
  return rows.map((row) => Number(row.id));
}

/** The friendly check, said first; the employees' triggers (migration LastActiveManager) are the guard. */
function assertAnotherActiveManager(employee: EmployeeRecord, activeManagers: number[], removal: ManagerRemoval): void {
  if (employee.role !== 'MANAGEMENT' || !employee.isActive) return;
  if (!activeManagers.some((id) => id !== employee.id)) throw conflict(lastManagerMessage(employee.id, removal), LAST_MANAGER_HINT);
}

async function assertRoleChangeAllowed(manager: EntityManager, employee: EmployeeRecord, role: Role): Promise<void> {
  const owned = await countOwned(manager, employee.id);
  const kept = { ...owned };
  if (employee.role !== 'SUPPORT') kept.events = 0;
  if (employee.role !== 'SALES') {
    kept.clients = 0;
    kept.contracts = 0;
  }
  if (kept.clients + kept.contracts + kept.events > 0) {
    throw conflict(
      `employee ${employee.id} still has ${describeOwned(kept)} as ${employee.role} and cannot become ${role}`,
      employee.role === 'SALES'
        ? fieldText`reassign their clients first with \`epicevents client update <id> {salesContactId} <employeeId>\``
        : fieldText`reassign their events first with \`epicevents event update <id> {supportContactId} <employeeId>\``,
    );
  }
}

async function countOwned(manager: EntityManager, id: number): Promise<HandedOver> {
  const [row]: { clients: string; contracts: string; events: string }[] = await manager.query(
    `SELECT (SELECT count(*) FROM clients WHERE sales_contact_id = $1) AS clients,
            (SELECT count(*) FROM contracts WHERE sales_contact_id = $1) AS contracts,
            (SELECT count(*) FROM events WHERE support_contact_id = $1) AS events`,
    [id],
  );
  return { clients: Number(row.clients), contracts: Number(row.contracts), events: Number(row.events) };
}

/**
 * Moves every client, contract and event of `fromId` to `toId`, with one audit entry per record;
 * the new owner is told of each contract and the new support person of each event.
 */
async function handOver(manager: EntityManager, actor: Actor, fromId: number, to: EmployeeRecord): Promise<void> {
  await moveOwned(manager, actor, OWNED.clients, { column: 'sales_contact_id', value: fromId }, to.id);
  await moveContracts(manager, actor, { column: 'sales_contact_id', value: fromId }, to.id);
  const events = await moveOwned(manager, actor, OWNED.events, { column: 'support_contact_id', value: fromId }, to.id);
  if (events.length === 0) return;
  await assertHandedOverEventsFit(manager, to, events);
  await notifyEventsHandedOver(manager, events);
}

/** Ends every open session of the employee; returns how many were open. */
async function revokeSessions(manager: EntityManager, employeeId: number, reason: 'password_reset' | 'deactivated'): Promise<number> {
  const rows: unknown[] = await manager.query(
    `SELECT id FROM session_families WHERE employee_id = $1 AND revoked_at IS NULL FOR UPDATE`,
    [employeeId],
  );
  if (rows.length === 0) return 0;
  await manager.query(
    `UPDATE session_families SET revoked_at = now(), revoked_reason = $2 WHERE employee_id = $1 AND revoked_at IS NULL`,
    [employeeId, reason],
  );
  return rows.length;
}
