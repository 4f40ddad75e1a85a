import { ROLES, type Role } from '../../src/domain/roles';
import { type Action } from '../../src/permissions/permission-matrix';
import { type EmployeeRow, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { login, type TestUser, userFor } from '../support/users';
import { FACTORY_PASSWORD } from '../support/factories';
import { contractAndEventActions, permissionCases } from '../support/permission-cases';

/**
 * Every contract and event action of the permission matrix × every role × owning the record or
 * not, through the real binary: allowed, the command exits 0 and the change is made; denied, exit
 * 4, one line, and the database exactly as before. The service-level twin is
 * contract-event-permissions.test.ts; this one also runs in server mode (jest.config.js), where the
 * server's services decide.
 */

let db: TestDatabase;
let otherSales: EmployeeRow;
let otherSupport: EmployeeRow;
let spareSupport: EmployeeRow;
const actors = {} as Record<Role, EmployeeRow>;
const users = {} as Record<Role, TestUser>;

beforeAll(async () => {
  db = await createTestDatabase();
  for (const role of ROLES) {
    actors[role] = await insertEmployee(db, { role, firstName: role, email: `${role.toLowerCase()}@epic.events` });
    users[role] = userFor(db, actors[role].email);
    await login(users[role], FACTORY_PASSWORD);
  }
  otherSales = await insertEmployee(db, { role: 'SALES', firstName: 'Other' });
  otherSupport = await insertEmployee(db, { role: 'SUPPORT', firstName: 'Other' });
  spareSupport = await insertEmployee(db, { role: 'SUPPORT', firstName: 'Spare' });
});
afterAll(async () => db?.close());

interface Target {
  clientId: number;
  contractId: number;
  eventId?: number;
}

interface Operation {
  action: Action;
  name: string;
  setup(owner: EmployeeRow, owns: boolean): Promise<Target>;
  /** The command lines of the operation, run in turn. */
  commands(target: Target): string[][];
  effect(target: Target): Promise<void>;
}

const one = async <T>(sql: string, params: unknown[]): Promise<T> => (await db.query<T>(sql, params))[0];

async function contractOf(owner: EmployeeRow, owns: boolean, signed: boolean): Promise<Target> {
  const salesContactId = owns ? owner.id : otherSales.id;
  const client = await insertClient(db, { salesContactId });
  const contract = await insertContract(db, { clientId: client.id, salesContactId, totalAmount: '1000.00', isSigned: signed });
  return { clientId: client.id, contractId: contract.id };
}

async function eventSupportedBy(owner: EmployeeRow, owns: boolean): Promise<Target> {
  const target = await contractOf(otherSales, true, true);
  const event = await insertEvent(db, { contractId: target.contractId, supportContactId: owns ? owner.id : otherSupport.id });
  return { ...target, eventId: event.id };
}

const OPERATIONS: Operation[] = [
  {
    action: 'contract.read',
    name: 'show and list contracts',
    setup: (owner, owns) => contractOf(owner, owns, false),
    commands: (t) => [
      ['contract', 'show', String(t.contractId)],
      ['contract', 'list', '--client', String(t.clientId)],
    ],
    effect: async () => undefined,
  },
  {
    action: 'contract.create',
    name: 'create a contract',
    setup: (owner, owns) => contractOf(owner, owns, false),
    commands: (t) => [['contract', 'create', '--client', String(t.clientId), '--total', '250']],
    effect: async (t) => expect(await one('SELECT count(*)::int AS n FROM contracts WHERE client_id = $1', [t.clientId])).toEqual({ n: 2 }),
  },
  {
    action: 'contract.update',
    name: 'update a contract',
    setup: (owner, owns) => contractOf(owner, owns, false),
    commands: (t) => [['contract', 'update', String(t.contractId), '--amount-due', '400']],
    effect: async (t) => expect(await one('SELECT amount_due::text AS due FROM contracts WHERE id = $1', [t.contractId])).toEqual({ due: '400.00' }),
  },
  {
    action: 'contract.update',
    name: 'sign a contract',
    setup: (owner, owns) => contractOf(owner, owns, false),
    commands: (t) => [['contract', 'sign', String(t.contractId)]],
    effect: async (t) => expect(await one('SELECT is_signed FROM contracts WHERE id = $1', [t.contractId])).toEqual({ is_signed: true }),
  },
  {
    action: 'contract.update',
    name: 'record a payment',
    setup: (owner, owns) => contractOf(owner, owns, true),
    commands: (t) => [['contract', 'pay', String(t.contractId), '--amount', '100']],
    effect: async (t) => expect(await one('SELECT amount_due::text AS due FROM contracts WHERE id = $1', [t.contractId])).toEqual({ due: '900.00' }),
  },
  {
    action: 'contract.delete',
    name: 'delete a contract',
    setup: (owner, owns) => contractOf(owner, owns, false),
    commands: (t) => [['contract', 'delete', String(t.contractId), '--yes']],
    effect: async (t) => expect(await db.query('SELECT id FROM contracts WHERE id = $1', [t.contractId])).toHaveLength(0),
  },
  {
    action: 'event.read',
    name: 'show and list events',
    setup: (owner, owns) => eventSupportedBy(owner, owns),
    commands: (t) => [
      ['event', 'show', String(t.eventId)],
      ['event', 'list', '--contract', String(t.contractId)],
    ],
    effect: async () => undefined,
  },
  {
    action: 'event.create',
    name: 'create an event',
    setup: (owner, owns) => contractOf(owner, owns, true),
    commands: (t) => [
      ['event', 'create', '--contract', String(t.contractId), '--name', 'Matrix party', '--start', '2031-01-10T18:00Z', '--end', '2031-01-10T23:00Z', '--location', 'Lyon', '--attendees', '40'],
    ],
    effect: async (t) => expect(await db.query('SELECT id FROM events WHERE contract_id = $1', [t.contractId])).toHaveLength(1),
  },
  {
    action: 'event.update',
    name: 'update an event',
    setup: (owner, owns) => eventSupportedBy(owner, owns),
    commands: (t) => [['event', 'update', String(t.eventId), '--attendees', '12', '--notes', 'checked']],
    effect: async (t) => expect(await one('SELECT attendees, notes FROM events WHERE id = $1', [t.eventId])).toEqual({ attendees: 12, notes: 'checked' }),
  },
  {
    action: 'event.assign-support',
    name: "change an event's support person",
    setup: (owner, owns) => eventSupportedBy(owner, owns),
    commands: (t) => [['event', 'update', String(t.eventId), '--support', String(spareSupport.id)]],
    effect: async (t) => expect(await one('SELECT support_contact_id FROM events WHERE id = $1', [t.eventId])).toEqual({ support_contact_id: spareSupport.id }),
  },
  {
    action: 'event.delete',
    name: 'delete an event',
    setup: (owner, owns) => eventSupportedBy(owner, owns),
    commands: (t) => [['event', 'delete', String(t.eventId), '--yes']],
    effect: async (t) => expect(await db.query('SELECT id FROM events WHERE id = $1', [t.eventId])).toHaveLength(0),
  },
];

async function snapshot(): Promise<unknown> {
  return {
    contracts: await db.query('SELECT * FROM contracts ORDER BY id'),
    events: await db.query('SELECT * FROM events ORDER BY id'),
    audit: await db.query('SELECT count(*)::int AS n FROM audit_log'),
    notifications: await db.query('SELECT count(*)::int AS n FROM notifications'),
  };
}

const CASES = permissionCases(OPERATIONS);

describe('the permission matrix for contracts and events, from the command line', () => {
  it('should cover every contract and event action of the matrix', () => {
    expect([...new Set(OPERATIONS.map((o) => o.action))].sort()).toEqual(contractAndEventActions());
  });

  it.each(CASES.map((c) => [c.operation.name, c.role, c.owns ? 'owned' : 'not owned', c.allowed ? 'allowed' : 'denied', c] as const))(
    'should %s as %s (%s): %s',
    async (_name, _role, _owns, _verdict, { operation, role, owns, allowed }) => {
      const target = await operation.setup(actors[role], owns);
      const commands = operation.commands(target);
      if (allowed) {
        for (const args of commands) {
          const result = await users[role].run([...args, '--json']);
          expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
        }
        await operation.effect(target);
        return;
      }
      const before = await snapshot();
      const result = await users[role].run(commands[0]);
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 4, stdout: '' });
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: (permission denied|you may only|.*(not yours|your own|assigned to you))/)]);
      expect(await snapshot()).toEqual(before);
    },
  );
});
