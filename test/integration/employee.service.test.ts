import { flagFor } from '../../src/cli/field-flags';
import { randomUUID } from 'node:crypto';
import { verifyPassword } from '../../src/auth/passwords';
import { login as loginService } from '../../src/auth/session.service';
import { ROLES, type Role } from '../../src/entities/employee.entity';
import { type Action, PERMISSIONS, ruleFor } from '../../src/permissions/permission-matrix';
import {
  createEmployee,
  deactivateEmployee,
  deleteEmployee,
  getEmployee,
  listEmployees,
  reactivateEmployee,
  resetEmployeePassword,
  updateEmployee,
} from '../../src/services/employee.service';
import { expectCliError, snapshot } from '../support/assertions';
import { TEST_JWT_SECRET } from '../support/cli';
import {
  actorFor,
  type EmployeeRow,
  FACTORY_PASSWORD,
  insertClient,
  insertContract,
  insertEmployee,
  insertEvent,
} from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

let sdb: ServiceDatabase;
beforeAll(async () => {
  sdb = await openServiceDatabase();
});
afterAll(async () => sdb.close());

const employee = (overrides: Parameters<typeof insertEmployee>[1] = {}) => insertEmployee(sdb.sql, overrides);

async function row(id: number): Promise<Record<string, unknown> | undefined> {
  const rows = (await sdb.sql.query('SELECT * FROM employees WHERE id = $1', [id])) as Record<string, unknown>[];
  return rows[0];
}

async function auditOf(entityType: string, entityId: number): Promise<{ action: string; actor_id: number; changes: Record<string, unknown> }[]> {
  return (await sdb.sql.query('SELECT action, actor_id, changes FROM audit_log WHERE entity_type = $1 AND entity_id = $2 ORDER BY id', [
    entityType,
    entityId,
  ])) as never[];
}

async function openSession(employeeId: number): Promise<string> {
  const id = randomUUID();
  await sdb.sql.query('INSERT INTO session_families (id, employee_id) VALUES ($1, $2)', [id, employeeId]);
  return id;
}

/** Deactivates every manager but `keep`, so `keep` is the last active MANAGEMENT account. */
async function onlyActiveManager(keep: number): Promise<void> {
  await sdb.sql.query(`UPDATE employees SET is_active = false WHERE role = 'MANAGEMENT' AND id <> $1`, [keep]);
}

/**
 * One case per employee action of the matrix: what the call does and how to see it happened.
 * Employee actions have no "own" rule, so ownership does not change the outcome.
 */
interface ActionCase {
  prepare?: (target: EmployeeRow) => Promise<void>;
  run: (actor: EmployeeRow, target: EmployeeRow) => Promise<unknown>;
  applied: (target: EmployeeRow) => Promise<void>;
}

const EMPLOYEE_CASES: Record<Extract<Action, `employee.${string}`>, ActionCase[]> = {
  'employee.read': [
    {
      run: (actor, target) => getEmployee(sdb.db, actorFor(actor), target.id),
      applied: async () => undefined,
    },
    {
      run: (actor) => listEmployees(sdb.db, actorFor(actor), {}, { limit: 5 }),
      applied: async () => undefined,
    },
  ],
  'employee.create': [
    {
      run: (actor, target) =>
        createEmployee(sdb.db, actorFor(actor), { firstName: 'New', lastName: 'Hire', email: `new-${target.id}@epic.events`, role: 'SUPPORT' }),
      applied: async (target) => {
        const rows = await sdb.sql.query('SELECT 1 FROM employees WHERE email = $1', [`new-${target.id}@epic.events`]);
        expect(rows).toHaveLength(1);
      },
    },
  ],
  'employee.update': [
    {
      run: (actor, target) => updateEmployee(sdb.db, actorFor(actor), target.id, { lastName: 'Renamed' }),
      applied: async (target) => expect((await row(target.id))?.last_name).toBe('Renamed'),
    },
  ],
  'employee.deactivate': [
    {
      run: (actor, target) => deactivateEmployee(sdb.db, actorFor(actor), target.id),
      applied: async (target) => expect((await row(target.id))?.is_active).toBe(false),
    },
    {
      prepare: async (target) => void (await sdb.sql.query('UPDATE employees SET is_active = false WHERE id = $1', [target.id])),
      run: (actor, target) => reactivateEmployee(sdb.db, actorFor(actor), target.id),
      applied: async (target) => expect((await row(target.id))?.is_active).toBe(true),
    },
  ],
  'employee.delete': [
    {
      run: (actor, target) => deleteEmployee(sdb.db, actorFor(actor), target.id),
      applied: async (target) => expect(await row(target.id)).toBeUndefined(),
    },
  ],
  'employee.reset-password': [
    {
      run: (actor, target) => resetEmployeePassword(sdb.db, actorFor(actor), target.id),
      applied: async (target) => expect((await row(target.id))?.must_change_password).toBe(true),
    },
  ],
};

describe('employee permissions, table-driven over the matrix', () => {
  const actions = (Object.keys(PERMISSIONS) as Action[]).filter((action) => action.startsWith('employee.'));

  it('should have a case for every employee action of the matrix', () => {
    expect(Object.keys(EMPLOYEE_CASES).sort()).toEqual([...actions].sort());
  });

  const cases = actions.flatMap((action) =>
    ROLES.flatMap((role) => EMPLOYEE_CASES[action as keyof typeof EMPLOYEE_CASES].map((c, i) => [action, role, i, c] as const)),
  );

  it.each(cases)('%s by %s (case %i): allowed → applied, denied → exit 4 and nothing written', async (action, role, _i, actionCase) => {
    const actor = await employee({ role });
    const target = await employee({ role: 'SALES' });
    await actionCase.prepare?.(target);
    const allowed = ruleFor(action, role) !== false;
    if (allowed) {
      await actionCase.run(actor, target);
      await actionCase.applied(target);
    } else {
      const before = await snapshot(sdb.sql);
      const error = await expectCliError(actionCase.run(actor, target), 'forbidden');
      expect(error.message).toMatch(/^permission denied: /);
      expect(await snapshot(sdb.sql)).toEqual(before);
    }
  });
});

describe('employee create', () => {
  it('should generate a one-time password, shown once and stored only as an argon2id hash', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const { employee: created, oneTimePassword } = await createEmployee(sdb.db, actorFor(manager), {
      firstName: ' Bill ',
      lastName: 'Boquet',
      email: 'Bill.Boquet@epic.events',
      role: 'sales',
      phone: '06 12 34 56 78',
    });
    expect(created).toMatchObject({ firstName: 'Bill', role: 'SALES', phone: '+33612345678', isActive: true, mustChangePassword: true });
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{20}$/);
    const stored = await row(created.id);
    expect(stored?.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(String(stored?.password_hash), oneTimePassword as string)).toBe(true);
    const audit = await auditOf('employee', created.id);
    expect(audit).toEqual([expect.objectContaining({ action: 'employee.create', actor_id: manager.id })]);
    expect(JSON.stringify(audit)).not.toMatch(/argon2|password_hash|passwordHash/);
    expect(JSON.stringify(audit)).not.toContain(oneTimePassword);
  });

  it('should use the password given on stdin without forcing a change when it passes the policy', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const result = await createEmployee(sdb.db, actorFor(manager), {
      firstName: 'Kate',
      lastName: 'Hastings',
      email: `kate-${manager.id}@epic.events`,
      role: 'SUPPORT',
      password: 'a-Long-enough-passphrase',
    });
    expect(result.oneTimePassword).toBeUndefined();
    expect(result.employee.mustChangePassword).toBe(false);
    expect(await verifyPassword(String((await row(result.employee.id))?.password_hash), 'a-Long-enough-passphrase')).toBe(true);
  });

  it.each([
    ['a short password', { password: 'short' }, /at least 12 characters/],
    ['a common password', { password: 'password1234' }, /too common/],
    ['a malformed email', { email: 'not-an-email' }, /email must be a valid email/],
    ['an unknown role', { role: 'BOSS' }, /role must be one of MANAGEMENT, SALES, SUPPORT/],
    ['an invalid phone', { phone: '12' }, /phone must be a valid phone number/],
    ['a blank first name', { firstName: '   ' }, /firstName cannot be empty/],
  ])('should refuse %s with exit 2 and write nothing', async (_what, override, message) => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const before = await snapshot(sdb.sql);
    const input = { firstName: 'Val', lastName: 'Id', email: `valid-${manager.id}@epic.events`, role: 'SALES', ...override };
    const error = await expectCliError(createEmployee(sdb.db, actorFor(manager), input), 'validation');
    expect(error.message).toMatch(message);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should refuse an email that exists in another case with exit 6', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const existing = await employee({ email: `Taken-${manager.id}@Epic.Events` });
    const before = await snapshot(sdb.sql);
    const error = await expectCliError(
      createEmployee(sdb.db, actorFor(manager), { firstName: 'A', lastName: 'B', email: existing.email.toLowerCase(), role: 'SALES' }),
      'conflict',
    );
    expect(error.message).toMatch(/already exists/);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });
});

describe('employee update', () => {
  it('should change the given fields, bump updated_at and audit before → after', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const target = await employee({ role: 'SUPPORT', phone: '+33612345678' });
    // Written a minute ago: an update in the same millisecond as the insert could not show the bump.
    await sdb.sql.query(`UPDATE employees SET updated_at = now() - interval '1 minute' WHERE id = $1`, [target.id]);
    const before = await row(target.id);
    const updated = await updateEmployee(sdb.db, actorFor(manager), target.id, { firstName: 'Katherine', phone: '' });
    expect(updated).toMatchObject({ firstName: 'Katherine', phone: null, lastName: target.lastName });
    expect(updated.updatedAt.getTime()).toBeGreaterThan((before?.updated_at as Date).getTime());
    const [audit] = await auditOf('employee', target.id);
    expect(audit).toMatchObject({
      action: 'employee.update',
      changes: { firstName: { before: 'Test', after: 'Katherine' }, phone: { before: '+33612345678', after: null } },
    });
  });

  it('should add one to the version at every change a person makes, and none for a failed login', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const target = await employee({ role: 'SUPPORT' });
    const version = async () => Number((await row(target.id))?.version);
    expect(await version()).toBe(1);
    expect((await updateEmployee(sdb.db, actorFor(manager), target.id, { lastName: 'Hastings' })).version).toBe(2);
    expect((await deactivateEmployee(sdb.db, actorFor(manager), target.id)).version).toBe(3);
    expect((await reactivateEmployee(sdb.db, actorFor(manager), target.id)).version).toBe(4);
    expect((await resetEmployeePassword(sdb.db, actorFor(manager), target.id)).employee.version).toBe(5);
    await expectCliError(loginService(sdb.db, target.email, 'not-the-password', { secret: TEST_JWT_SECRET, accessTtlSeconds: 900, refreshTtlSeconds: 3600 }), 'unauthenticated');
    expect(await version()).toBe(5);
  });

  it('should refuse an update at a stale --expected-version (exit 6) and change nothing', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const target = await employee({ role: 'SUPPORT' });
    await updateEmployee(sdb.db, actorFor(manager), target.id, { firstName: 'Kate' });
    const before = await snapshot(sdb.sql);
    const error = await expectCliError(updateEmployee(sdb.db, actorFor(manager), target.id, { email: 'kate@epic.events', expectedVersion: 1 }), 'conflict');
    expect(error.message).toMatch(/changed by someone else/);
    expect(error.hint).toMatch(/version 2, not 1/);
    expect(await snapshot(sdb.sql)).toEqual(before);
    expect((await updateEmployee(sdb.db, actorFor(manager), target.id, { email: 'kate@epic.events', expectedVersion: 2 })).version).toBe(3);
  });

  it('should refuse an update with nothing to change (exit 2)', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const target = await employee();
    await expectCliError(updateEmployee(sdb.db, actorFor(manager), target.id, {}), 'usage');
  });

  it('should refuse another employee\'s email in any case (exit 6)', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const a = await employee();
    const b = await employee();
    const error = await expectCliError(updateEmployee(sdb.db, actorFor(manager), a.id, { email: b.email.toUpperCase() }), 'conflict');
    expect(error.message).toMatch(/already exists/);
  });

  it('should report an unknown employee as not found (exit 5)', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    await expectCliError(updateEmployee(sdb.db, actorFor(manager), 999999, { lastName: 'X' }), 'not_found');
  });

  it('should refuse to move a SALES employee who owns clients to another role, saying to reassign first', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    await insertClient(sdb.sql, { salesContactId: sales.id });
    const before = await snapshot(sdb.sql);
    const error = await expectCliError(updateEmployee(sdb.db, actorFor(manager), sales.id, { role: 'SUPPORT' }), 'conflict');
    expect(error.message).toMatch(/1 client/);
    expect(error.hint).toMatch(/reassign/);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should refuse to move a SUPPORT employee with events to another role', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    const support = await employee({ role: 'SUPPORT' });
    const client = await insertClient(sdb.sql, { salesContactId: sales.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: sales.id, isSigned: true });
    await insertEvent(sdb.sql, { contractId: contract.id, supportContactId: support.id });
    const error = await expectCliError(updateEmployee(sdb.db, actorFor(manager), support.id, { role: 'SALES' }), 'conflict');
    expect(error.message).toMatch(/1 event/);
    expect(error.hint).toMatch(/reassign their events/);
  });

  it('should change the role of a SALES employee who owns nothing', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    expect((await updateEmployee(sdb.db, actorFor(manager), sales.id, { role: 'SUPPORT' })).role).toBe('SUPPORT');
  });

  it('should refuse a change of one\'s own role', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    await employee({ role: 'MANAGEMENT' });
    await expectCliError(updateEmployee(sdb.db, actorFor(manager), manager.id, { role: 'SALES' }), 'conflict');
  });

  it('should refuse to demote the last active MANAGEMENT account', async () => {
    const actor = await employee({ role: 'MANAGEMENT' });
    const last = await employee({ role: 'MANAGEMENT' });
    await onlyActiveManager(last.id);
    const error = await expectCliError(updateEmployee(sdb.db, actorFor(actor), last.id, { role: 'SALES' }), 'conflict');
    expect(error.message).toMatch(/last active MANAGEMENT/);
  });
});

describe('employee deactivate and reactivate', () => {
  it('should deactivate, keep the records, end the sessions and audit it', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    const client = await insertClient(sdb.sql, { salesContactId: sales.id });
    const session = await openSession(sales.id);
    const result = await deactivateEmployee(sdb.db, actorFor(manager), sales.id);
    expect(result.isActive).toBe(false);
    expect(await sdb.sql.query('SELECT sales_contact_id FROM clients WHERE id = $1', [client.id])).toEqual([{ sales_contact_id: sales.id }]);
    const [family] = (await sdb.sql.query('SELECT revoked_at, revoked_reason FROM session_families WHERE id = $1', [session])) as {
      revoked_at: Date | null;
      revoked_reason: string;
    }[];
    expect(family.revoked_at).not.toBeNull();
    expect(family.revoked_reason).toBe('deactivated');
    expect((await auditOf('employee', sales.id)).map((a) => a.action)).toEqual(['employee.deactivate']);
  });

  it('should refuse to deactivate oneself', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    await employee({ role: 'MANAGEMENT' });
    const error = await expectCliError(deactivateEmployee(sdb.db, actorFor(manager), manager.id), 'conflict');
    expect(error.message).toBe('you cannot deactivate yourself');
  });

  it('should refuse to deactivate the last active MANAGEMENT account and write nothing', async () => {
    const actor = await employee({ role: 'MANAGEMENT' });
    const last = await employee({ role: 'MANAGEMENT' });
    await onlyActiveManager(last.id);
    const before = await snapshot(sdb.sql);
    await expectCliError(deactivateEmployee(sdb.db, actorFor(actor), last.id), 'conflict');
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should refuse an employee already deactivated, and reactivate them', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const target = await employee({ isActive: false });
    await expectCliError(deactivateEmployee(sdb.db, actorFor(manager), target.id), 'conflict');
    expect((await reactivateEmployee(sdb.db, actorFor(manager), target.id)).isActive).toBe(true);
    await expectCliError(reactivateEmployee(sdb.db, actorFor(manager), target.id), 'conflict');
  });

  it('should let only one of two concurrent deactivations of the last two managers pass', async () => {
    if (!sdb.server) return; // the embedded engine has one connection: transactions cannot interleave
    const a = await employee({ role: 'MANAGEMENT' });
    const b = await employee({ role: 'MANAGEMENT' });
    await sdb.sql.query(`UPDATE employees SET is_active = false WHERE role = 'MANAGEMENT' AND id NOT IN ($1, $2)`, [a.id, b.id]);
    // Each of the last two managers deactivates the other (an author must be active to write).
    const results = await Promise.allSettled([
      deactivateEmployee(sdb.db, actorFor(a), b.id),
      deactivateEmployee(sdb.db, actorFor(b), a.id),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'conflict' });
    const active = await sdb.sql.query(`SELECT id FROM employees WHERE role = 'MANAGEMENT' AND is_active`);
    expect(active).toHaveLength(1);
  });
});

describe('employee reset-password', () => {
  it('should set a new one-time password, force a change, clear the lockout and revoke every session', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const target = await employee({ role: 'SUPPORT' });
    await sdb.sql.query(`UPDATE employees SET failed_login_count = 5, locked_until = now() + interval '10 minutes' WHERE id = $1`, [target.id]);
    const sessions = [await openSession(target.id), await openSession(target.id)];
    const otherSession = await openSession(manager.id);
    const { employee: after, oneTimePassword } = await resetEmployeePassword(sdb.db, actorFor(manager), target.id);
    expect(after.mustChangePassword).toBe(true);
    const stored = await row(target.id);
    expect(stored).toMatchObject({ failed_login_count: 0, locked_until: null, must_change_password: true });
    expect(await verifyPassword(String(stored?.password_hash), oneTimePassword as string)).toBe(true);
    expect(await verifyPassword(String(stored?.password_hash), FACTORY_PASSWORD)).toBe(false);
    const families = (await sdb.sql.query('SELECT id, revoked_reason FROM session_families WHERE id = ANY($1) ORDER BY id', [
      [...sessions, otherSession],
    ])) as { id: string; revoked_reason: string | null }[];
    for (const family of families) expect(family.revoked_reason).toBe(family.id === otherSession ? null : 'password_reset');
    const [audit] = await auditOf('employee', target.id);
    expect(audit.action).toBe('employee.reset-password');
    expect(JSON.stringify(audit)).not.toMatch(/argon2/);
    expect(JSON.stringify(audit)).not.toContain(oneTimePassword);
  });

  it('should send a manager to `password change` for their own password', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const error = await expectCliError(resetEmployeePassword(sdb.db, actorFor(manager), manager.id), 'usage');
    expect(error.hint).toMatch(/password change/);
  });
});

describe('employee delete', () => {
  async function salesWithRecords(): Promise<{ sales: EmployeeRow; clientId: number; contractId: number }> {
    const sales = await employee({ role: 'SALES' });
    const client = await insertClient(sdb.sql, { salesContactId: sales.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: sales.id, isSigned: true });
    return { sales, clientId: client.id, contractId: contract.id };
  }

  it('should delete an employee who owns nothing and audit it', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const target = await employee({ role: 'SUPPORT' });
    await openSession(target.id);
    await deleteEmployee(sdb.db, actorFor(manager), target.id);
    expect(await row(target.id)).toBeUndefined();
    expect((await auditOf('employee', target.id)).map((a) => a.action)).toEqual(['employee.delete']);
  });

  it('should refuse to delete an employee with clients and contracts unless they are reassigned', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const { sales } = await salesWithRecords();
    const before = await snapshot(sdb.sql);
    const error = await expectCliError(deleteEmployee(sdb.db, actorFor(manager), sales.id), 'conflict');
    expect(error.message).toBe(`employee ${sales.id} still has 1 client, 1 contract`);
    // The service names the field; the CLI shows it as its flag.
    expect(error.hint).toMatch(/reassignTo </);
    expect(error.render(flagFor).hint).toMatch(/--reassign-to </);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it.each<[string, Role, boolean]>([
    ['an employee of another role', 'SUPPORT', true],
    ['a deactivated employee of the same role', 'SALES', false],
  ])('should refuse to reassign to %s', async (_what, role, isActive) => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const { sales } = await salesWithRecords();
    const heir = await employee({ role, isActive });
    const before = await snapshot(sdb.sql);
    await expectCliError(deleteEmployee(sdb.db, actorFor(manager), sales.id, { reassignTo: heir.id }), 'conflict');
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should refuse an unknown --reassign-to (exit 5) and one naming the deleted employee (exit 2)', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const { sales } = await salesWithRecords();
    await expectCliError(deleteEmployee(sdb.db, actorFor(manager), sales.id, { reassignTo: 999999 }), 'not_found');
    await expectCliError(deleteEmployee(sdb.db, actorFor(manager), sales.id, { reassignTo: sales.id }), 'usage');
  });

  it('should hand clients and contracts of a SALES employee to another active SALES employee in the same transaction', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const { sales, clientId, contractId } = await salesWithRecords();
    const heir = await employee({ role: 'SALES' });
    const result = await deleteEmployee(sdb.db, actorFor(manager), sales.id, { reassignTo: heir.id });
    expect(result.handedOver).toEqual({ clients: 1, contracts: 1, events: 0 });
    expect(await row(sales.id)).toBeUndefined();
    expect(await sdb.sql.query('SELECT sales_contact_id, version FROM clients WHERE id = $1', [clientId])).toEqual([{ sales_contact_id: heir.id, version: 2 }]);
    expect(await sdb.sql.query('SELECT sales_contact_id FROM contracts WHERE id = $1', [contractId])).toEqual([{ sales_contact_id: heir.id }]);
    expect(await auditOf('client', clientId)).toEqual([
      expect.objectContaining({ action: 'client.update', changes: { salesContactId: { before: sales.id, after: heir.id } } }),
    ]);
    expect(await auditOf('employee', sales.id)).toEqual([
      expect.objectContaining({ action: 'employee.delete', changes: expect.objectContaining({ reassignedTo: { before: null, after: heir.id } }) }),
    ]);
  });

  it('should hand the events of a SUPPORT employee to another active SUPPORT employee', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const { contractId } = await salesWithRecords();
    const support = await employee({ role: 'SUPPORT' });
    const heir = await employee({ role: 'SUPPORT' });
    const event = await insertEvent(sdb.sql, { contractId, supportContactId: support.id });
    await deleteEmployee(sdb.db, actorFor(manager), support.id, { reassignTo: heir.id });
    expect(await sdb.sql.query('SELECT support_contact_id FROM events WHERE id = $1', [event.id])).toEqual([{ support_contact_id: heir.id }]);
  });

  it("should refuse to hand over events that overlap the heir's own, naming both, and move nothing", async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const { contractId } = await salesWithRecords();
    const support = await employee({ role: 'SUPPORT' });
    const heir = await employee({ role: 'SUPPORT' });
    const startAt = new Date('2031-02-03T18:00:00Z');
    const endAt = new Date('2031-02-03T23:00:00Z');
    const leaving = await insertEvent(sdb.sql, { contractId, supportContactId: support.id, name: 'Leaving Gala', startAt, endAt });
    const heirs = await insertEvent(sdb.sql, { contractId, supportContactId: heir.id, name: 'Heir Gala', startAt: new Date('2031-02-03T22:00:00Z'), endAt });
    const before = await snapshot(sdb.sql);
    const error = await expectCliError(deleteEmployee(sdb.db, actorFor(manager), support.id, { reassignTo: heir.id }), 'conflict');
    expect(error.message).toMatch(new RegExp(`cannot take over event ${leaving.id} "Leaving Gala" .*overlaps event ${heirs.id} "Heir Gala"`));
    expect(error.hint).toMatch(/event update <id> --support/);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should refuse to delete oneself or the last active MANAGEMENT account', async () => {
    const actor = await employee({ role: 'MANAGEMENT' });
    const last = await employee({ role: 'MANAGEMENT' });
    await expectCliError(deleteEmployee(sdb.db, actorFor(actor), actor.id), 'conflict');
    await onlyActiveManager(last.id);
    const error = await expectCliError(deleteEmployee(sdb.db, actorFor(actor), last.id), 'conflict');
    expect(error.message).toMatch(/last active MANAGEMENT/);
  });
});

describe('employee list', () => {
  it('should filter by role and list deactivated employees only with inactive', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const gone = await employee({ role: 'SUPPORT', isActive: false });
    const all = async (filters: Parameters<typeof listEmployees>[2]) => (await listEmployees(sdb.db, actorFor(manager), filters, { limit: 500 })).items;
    const support = await all({ role: 'SUPPORT' });
    expect(support.length).toBeGreaterThan(0);
    expect(support.every((e) => e.role === 'SUPPORT' && e.isActive)).toBe(true);
    expect(support.map((e) => e.id)).not.toContain(gone.id);
    const inactive = await all({ inactive: true, role: 'SUPPORT' });
    expect(inactive.map((e) => e.id)).toContain(gone.id);
    expect(inactive.every((e) => !e.isActive && e.role === 'SUPPORT')).toBe(true);
  });

  it('should page by id with a cursor, and no next cursor on the last page', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const everyone = (await listEmployees(sdb.db, actorFor(manager), {}, { limit: 500 })).items.map((e) => e.id);
    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await listEmployees(sdb.db, actorFor(manager), {}, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      if (cursor !== undefined) expect(cursor).toBe(page.items[page.items.length - 1].id);
    } while (cursor !== undefined);
    expect(seen).toEqual(everyone);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
  });
});

describe('employee changes running at the same time', () => {
  // A manager's update of a colleague takes the colleague's row, then (writing the audit entry)
  // share-locks its own author; a deactivation used to lock every active manager first. Crossed,
  // the two waited on each other until PostgreSQL broke the deadlock and refused one (exit 6).
  it('should let a manager update a colleague while another deactivates someone, neither refused, when both run at once', async () => {
    if (!sdb.server) return; // one connection on the embedded engine: nothing runs at once
    const ann = await employee({ role: 'MANAGEMENT' });
    const bob = await employee({ role: 'MANAGEMENT' });
    const cid = await employee({ role: 'MANAGEMENT' });
    const seller = await employee({ role: 'SALES' });
    for (let round = 0; round < 30; round += 1) {
      const results = await Promise.allSettled([
        updateEmployee(sdb.db, actorFor(ann), bob.id, { phone: `+3361234${String(5000 + round)}` }),
        updateEmployee(sdb.db, actorFor(bob), ann.id, { phone: `+3361235${String(5000 + round)}` }),
        round % 2 === 0 ? deactivateEmployee(sdb.db, actorFor(cid), seller.id) : reactivateEmployee(sdb.db, actorFor(cid), seller.id),
      ]);
      expect(results.filter((result) => result.status === 'rejected').map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);
    }
  });
});
