import { type Actor } from '../../src/auth/actor';
import { ROLES, type Role } from '../../src/entities/employee.entity';
import { CliError } from '../../src/errors/cli-error';
import { type Action } from '../../src/permissions/permission-matrix';
import {
  createContract,
  deleteContract,
  getContract,
  listContracts,
  recordPayment,
  signContract,
  updateContract,
} from '../../src/services/contract.service';
import { createEvent, deleteEvent, getEvent, listEvents, updateEvent } from '../../src/services/event.service';
import { actorFor, type EmployeeRow, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';
import { contractAndEventActions, permissionCases } from '../support/permission-cases';

/**
 * Every contract and event action of the permission matrix × every role × owning the record or
 * not. Allowed: the change is made. Denied: a `forbidden` error (exit 4) and the database exactly
 * as before (rows and counts). The expectation is computed from the matrix itself, so the matrix,
 * the services and this test cannot drift apart.
 */

let sdb: ServiceDatabase;
let otherSales: EmployeeRow;
let otherSupport: EmployeeRow;
let spareSupport: EmployeeRow;
const actors = {} as Record<Role, EmployeeRow>;

beforeAll(async () => {
  sdb = await openServiceDatabase();
  for (const role of ROLES) actors[role] = await insertEmployee(sdb.sql, { role, firstName: role });
  otherSales = await insertEmployee(sdb.sql, { role: 'SALES', firstName: 'Other' });
  otherSupport = await insertEmployee(sdb.sql, { role: 'SUPPORT', firstName: 'Other' });
  spareSupport = await insertEmployee(sdb.sql, { role: 'SUPPORT', firstName: 'Spare' });
});
afterAll(async () => sdb.close());

interface Target {
  clientId: number;
  contractId: number;
  eventId?: number;
}

interface Operation {
  action: Action;
  name: string;
  /** Records for one case; `owner` owns them in the sense of the action's 'own' rule. */
  setup(owner: EmployeeRow, otherOwner: boolean): Promise<Target>;
  run(actor: Actor, target: Target): Promise<unknown>;
  /** Asserts the change was made. */
  effect(target: Target): Promise<void>;
}

const one = async <T>(sql: string, params: unknown[]): Promise<T> => ((await sdb.sql.query(sql, params)) as T[])[0];

/** A client owned by `owner` (or someone else) and one contract of it. */
async function contractOf(owner: EmployeeRow, owns: boolean, signed: boolean): Promise<Target> {
  const salesContactId = owns ? owner.id : otherSales.id;
  const client = await insertClient(sdb.sql, { salesContactId });
  const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId, totalAmount: '1000.00', isSigned: signed });
  return { clientId: client.id, contractId: contract.id };
}

/** An event of a signed contract, supported by `owner` (or someone else). */
async function eventSupportedBy(owner: EmployeeRow, owns: boolean): Promise<Target> {
  const target = await contractOf(otherSales, true, true);
  const event = await insertEvent(sdb.sql, { contractId: target.contractId, supportContactId: owns ? owner.id : otherSupport.id });
  return { ...target, eventId: event.id };
}

const OPERATIONS: Operation[] = [
  {
    action: 'contract.read',
    name: 'show and list contracts',
    setup: (owner, owns) => contractOf(owner, owns, false),
    run: async (actor, t) => {
      await getContract(sdb.db, actor, t.contractId);
      return listContracts(sdb.db, actor, { clientId: t.clientId }, { limit: 10 });
    },
    effect: async () => undefined,
  },
  {
    action: 'contract.create',
    name: 'create a contract',
    setup: (owner, owns) => contractOf(owner, owns, false),
    run: (actor, t) => createContract(sdb.db, actor, { clientId: t.clientId, totalAmount: '250.00' }),
    effect: async (t) => {
      const row = await one<{ n: number }>('SELECT count(*)::int AS n FROM contracts WHERE client_id = $1', [t.clientId]);
      expect(row.n).toBe(2);
    },
  },
  {
    action: 'contract.update',
    name: 'update a contract',
    setup: (owner, owns) => contractOf(owner, owns, false),
    run: (actor, t) => updateContract(sdb.db, actor, t.contractId, { amountDue: '400.00' }),
    effect: async (t) => {
      expect(await one('SELECT amount_due::text AS due FROM contracts WHERE id = $1', [t.contractId])).toEqual({ due: '400.00' });
    },
  },
  {
    action: 'contract.update',
    name: 'sign a contract',
    setup: (owner, owns) => contractOf(owner, owns, false),
    run: (actor, t) => signContract(sdb.db, actor, t.contractId),
    effect: async (t) => {
      expect(await one('SELECT is_signed FROM contracts WHERE id = $1', [t.contractId])).toEqual({ is_signed: true });
    },
  },
  {
    action: 'contract.update',
    name: 'record a payment',
    setup: (owner, owns) => contractOf(owner, owns, true),
    run: (actor, t) => recordPayment(sdb.db, actor, t.contractId, '100.00'),
    effect: async (t) => {
      expect(await one('SELECT amount_due::text AS due FROM contracts WHERE id = $1', [t.contractId])).toEqual({ due: '900.00' });
    },
  },
  {
    action: 'contract.delete',
    name: 'delete a contract',
    setup: (owner, owns) => contractOf(owner, owns, false),
    run: (actor, t) => deleteContract(sdb.db, actor, t.contractId),
    effect: async (t) => {
      expect(await sdb.sql.query('SELECT id FROM contracts WHERE id = $1', [t.contractId])).toHaveLength(0);
    },
  },
  {
    action: 'event.read',
    name: 'show and list events',
    setup: (owner, owns) => eventSupportedBy(owner, owns),
    run: async (actor, t) => {
      await getEvent(sdb.db, actor, t.eventId!);
      return listEvents(sdb.db, actor, { contractId: t.contractId }, { limit: 10 });
    },
    effect: async () => undefined,
  },
  {
    action: 'event.create',
    name: 'create an event',
    setup: (owner, owns) => contractOf(owner, owns, true),
    run: (actor, t) =>
      createEvent(sdb.db, actor, {
        contractId: t.contractId,
        name: 'Matrix party',
        startAt: new Date('2031-01-10T18:00:00Z'),
        endAt: new Date('2031-01-10T23:00:00Z'),
        location: 'Lyon',
        attendees: 40,
      }),
    effect: async (t) => {
      expect(await sdb.sql.query('SELECT id FROM events WHERE contract_id = $1', [t.contractId])).toHaveLength(1);
    },
  },
  {
    action: 'event.update',
    name: 'update an event',
    setup: (owner, owns) => eventSupportedBy(owner, owns),
    run: (actor, t) => updateEvent(sdb.db, actor, t.eventId!, { attendees: 12, notes: 'checked' }),
    effect: async (t) => {
      expect(await one('SELECT attendees, notes FROM events WHERE id = $1', [t.eventId])).toEqual({ attendees: 12, notes: 'checked' });
    },
  },
  {
    action: 'event.assign-support',
    name: "change an event's support person",
    setup: (owner, owns) => eventSupportedBy(owner, owns),
    run: (actor, t) => updateEvent(sdb.db, actor, t.eventId!, { supportContactId: spareSupport.id }),
    effect: async (t) => {
      expect(await one('SELECT support_contact_id FROM events WHERE id = $1', [t.eventId])).toEqual({ support_contact_id: spareSupport.id });
    },
  },
  {
    action: 'event.delete',
    name: 'delete an event',
    setup: (owner, owns) => eventSupportedBy(owner, owns),
    run: (actor, t) => deleteEvent(sdb.db, actor, t.eventId!),
    effect: async (t) => {
      expect(await sdb.sql.query('SELECT id FROM events WHERE id = $1', [t.eventId])).toHaveLength(0);
    },
  },
];

/** Everything a denied command must leave untouched. */
async function snapshot(): Promise<unknown> {
  return {
    contracts: await sdb.sql.query('SELECT * FROM contracts ORDER BY id'),
    events: await sdb.sql.query('SELECT * FROM events ORDER BY id'),
    audit: await sdb.sql.query('SELECT count(*)::int AS n FROM audit_log'),
    notifications: await sdb.sql.query('SELECT count(*)::int AS n FROM notifications'),
  };
}

const CASES = permissionCases(OPERATIONS);

describe('the permission matrix for contracts and events', () => {
  it('should cover every contract and event action of the matrix', () => {
    expect([...new Set(OPERATIONS.map((o) => o.action))].sort()).toEqual(contractAndEventActions());
  });

  it.each(CASES.map((c) => [c.operation.name, c.role, c.owns ? 'owned' : 'not owned', c.allowed ? 'allowed' : 'denied', c] as const))(
    'should %s as %s (%s): %s',
    async (_name, _role, _owns, _verdict, { operation, role, owns, allowed }) => {
      const target = await operation.setup(actors[role], owns);
      if (allowed) {
        await operation.run(actorFor(actors[role]), target);
        await operation.effect(target);
        return;
      }
      const before = await snapshot();
      const attempt = operation.run(actorFor(actors[role]), target);
      await expect(attempt).rejects.toBeInstanceOf(CliError);
      await expect(attempt).rejects.toMatchObject({ code: 'forbidden' });
      expect(await snapshot()).toEqual(before);
    },
  );
});
