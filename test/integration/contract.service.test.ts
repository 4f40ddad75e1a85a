import { type Actor } from '../../src/auth/actor';
import {
  createContract,
  deleteContract,
  listContracts,
  recordPayment,
  signContract,
  updateContract,
} from '../../src/services/contract.service';
import { actorFor, type EmployeeRow, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

let sdb: ServiceDatabase;
let manager: Actor;
let salesRow: EmployeeRow;
let sales: Actor;
let otherSales: EmployeeRow;

beforeAll(async () => {
  sdb = await openServiceDatabase();
  manager = actorFor(await insertEmployee(sdb.sql, { role: 'MANAGEMENT' }));
  salesRow = await insertEmployee(sdb.sql, { role: 'SALES', firstName: 'Bill', lastName: 'Boquet' });
  sales = actorFor(salesRow);
  otherSales = await insertEmployee(sdb.sql, { role: 'SALES' });
});
afterAll(async () => sdb.close());

interface ContractRow {
  total: string;
  due: string;
  is_signed: boolean;
  signed_at: Date | null;
  version: number;
}

const row = async (id: number): Promise<ContractRow> =>
  ((await sdb.sql.query(
    'SELECT total_amount::text AS total, amount_due::text AS due, is_signed, signed_at, version FROM contracts WHERE id = $1',
    [id],
  )) as ContractRow[])[0];

const auditOf = async (id: number) =>
  (await sdb.sql.query(`SELECT action, actor_id, changes FROM audit_log WHERE entity_type = 'contract' AND entity_id = $1 ORDER BY id`, [id])) as {
    action: string;
    actor_id: number;
    changes: Record<string, { before: unknown; after: unknown }>;
  }[];

const notificationsOf = async (recipientId: number, contractId: number) =>
  (await sdb.sql.query(`SELECT kind, message FROM notifications WHERE recipient_id = $1 AND entity_type = 'contract' AND entity_id = $2`, [
    recipientId,
    contractId,
  ])) as { kind: string; message: string }[];

/** A client of Bill's and one unsigned contract (1000.00, all due) unless told otherwise. */
async function billsContract(overrides: { totalAmount?: string; amountDue?: string; isSigned?: boolean } = {}) {
  const client = await insertClient(sdb.sql, { salesContactId: salesRow.id, fullName: 'Kevin Casey' });
  const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, ...overrides });
  return { client, contract };
}

describe('contract create', () => {
  it("should take the client's current owner as sales contact and default the amount due to the total", async () => {
    const client = await insertClient(sdb.sql, { salesContactId: otherSales.id });
    const created = await createContract(sdb.db, manager, { clientId: client.id, totalAmount: '1500.50' });
    expect(created).toMatchObject({ clientId: client.id, salesContactId: otherSales.id, totalAmount: '1500.50', amountDue: '1500.50', isSigned: false, signedAt: null, version: 1 });
    const audit = await auditOf(created.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'contract.create', actor_id: manager.id });
    expect(audit[0].changes.totalAmount).toEqual({ before: null, after: '1500.50' });
    expect(await notificationsOf(otherSales.id, created.id)).toHaveLength(0);
  });

  it('should count --signed as a signature: signed_at set and the sales contact notified, one audit entry', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const created = await createContract(sdb.db, manager, { clientId: client.id, totalAmount: '900', amountDue: '300.00', signed: true });
    expect(created.isSigned).toBe(true);
    expect(created.signedAt).toBeInstanceOf(Date);
    expect(created.amountDue).toBe('300.00');
    expect(created.totalAmount).toBe('900.00');
    const audit = await auditOf(created.id);
    expect(audit.map((a) => a.action)).toEqual(['contract.create']);
    expect(audit[0].changes.isSigned).toEqual({ before: null, after: true });
    const notes = await notificationsOf(salesRow.id, created.id);
    expect(notes).toHaveLength(1);
    expect(notes[0].kind).toBe('contract_signed');
  });

  it('should refuse an amount due above the total with a conflict and insert nothing', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    await expect(createContract(sdb.db, manager, { clientId: client.id, totalAmount: '100.00', amountDue: '100.01' })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await sdb.sql.query('SELECT id FROM contracts WHERE client_id = $1', [client.id])).toHaveLength(0);
  });

  it('should report an unknown client as not found', async () => {
    await expect(createContract(sdb.db, manager, { clientId: 987654, totalAmount: '10.00' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'client 987654 not found',
    });
  });

  it('should keep the largest amount numeric(12,2) holds exactly', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const created = await createContract(sdb.db, manager, { clientId: client.id, totalAmount: '9999999999.99', amountDue: '9999999999.98' });
    expect(created.totalAmount).toBe('9999999999.99');
    expect(created.amountDue).toBe('9999999999.98');
  });
});

describe('contract update', () => {
  it('should move the amount due by the same difference when only the total changes', async () => {
    const { contract } = await billsContract({ totalAmount: '1000.00', amountDue: '400.00' });
    const updated = await updateContract(sdb.db, sales, contract.id, { totalAmount: '1250.25' });
    expect(updated).toMatchObject({ totalAmount: '1250.25', amountDue: '650.25', version: 2 });
    const audit = await auditOf(contract.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'contract.update',
      changes: { totalAmount: { before: '1000.00', after: '1250.25' }, amountDue: { before: '400.00', after: '650.25' } },
    });
  });

  it('should refuse a new total below what has already been paid', async () => {
    const { contract } = await billsContract({ totalAmount: '1000.00', amountDue: '400.00' });
    await expect(updateContract(sdb.db, manager, contract.id, { totalAmount: '599.99' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'the total 599.99 is less than what has already been paid (600.00)',
    });
    expect(await row(contract.id)).toMatchObject({ total: '1000.00', due: '400.00', version: 1 });
  });

  it('should accept a total equal to what was paid (nothing due any more)', async () => {
    const { contract } = await billsContract({ totalAmount: '1000.00', amountDue: '400.00' });
    expect(await updateContract(sdb.db, manager, contract.id, { totalAmount: '600.00' })).toMatchObject({ totalAmount: '600.00', amountDue: '0.00' });
  });

  it('should refuse an amount due above the total, given alone or with a new total', async () => {
    const { contract } = await billsContract({ totalAmount: '1000.00' });
    await expect(updateContract(sdb.db, manager, contract.id, { amountDue: '1000.01' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(updateContract(sdb.db, manager, contract.id, { totalAmount: '500.00', amountDue: '600.00' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'the amount due 600.00 cannot exceed the total amount 500.00',
    });
    expect(await row(contract.id)).toMatchObject({ total: '1000.00', due: '1000.00', version: 1 });
    expect(await auditOf(contract.id)).toHaveLength(0);
  });

  it('should set both when both are given', async () => {
    const { contract } = await billsContract();
    expect(await updateContract(sdb.db, manager, contract.id, { totalAmount: '2000', amountDue: '0.00' })).toMatchObject({
      totalAmount: '2000.00',
      amountDue: '0.00',
    });
  });

  it('should refuse an update with nothing to change as a usage error', async () => {
    const { contract } = await billsContract();
    await expect(updateContract(sdb.db, manager, contract.id, {})).rejects.toMatchObject({ code: 'usage' });
  });

  it('should write nothing and audit nothing when the values are already the ones given', async () => {
    const { contract } = await billsContract();
    const same = await updateContract(sdb.db, manager, contract.id, { totalAmount: '1000.00' });
    expect(same.version).toBe(1);
    expect(await auditOf(contract.id)).toHaveLength(0);
  });

  it('should refuse a stale --expected-version with a conflict', async () => {
    const { contract } = await billsContract({ isSigned: true });
    await recordPayment(sdb.db, manager, contract.id, '1.00'); // version 2 now
    await expect(updateContract(sdb.db, manager, contract.id, { totalAmount: '5000' }, 1)).rejects.toMatchObject({ code: 'conflict' });
    expect(await row(contract.id)).toMatchObject({ total: '1000.00', due: '999.00', version: 2 });
    expect(await updateContract(sdb.db, manager, contract.id, { totalAmount: '5000' }, 2)).toMatchObject({ amountDue: '4999.00', version: 3 });
  });

  it("should use the client's current owner for ownership, not the contract's original sales contact", async () => {
    const { client, contract } = await billsContract();
    await sdb.sql.query('UPDATE clients SET sales_contact_id = $1 WHERE id = $2', [otherSales.id, client.id]);
    await expect(updateContract(sdb.db, sales, contract.id, { amountDue: '1.00' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await updateContract(sdb.db, actorFor(otherSales), contract.id, { amountDue: '1.00' })).toMatchObject({ amountDue: '1.00' });
  });
});

describe('contract sign', () => {
  it('should sign once, audit contract.sign and notify the sales contact', async () => {
    const { contract } = await billsContract();
    const signed = await signContract(sdb.db, manager, contract.id);
    expect(signed).toMatchObject({ isSigned: true, version: 2 });
    expect(signed.signedAt).toBeInstanceOf(Date);
    const audit = await auditOf(contract.id);
    expect(audit).toHaveLength(1);
    expect(audit[0].action).toBe('contract.sign');
    expect(audit[0].changes.isSigned).toEqual({ before: false, after: true });
    expect((await notificationsOf(salesRow.id, contract.id)).map((n) => n.kind)).toEqual(['contract_signed']);
  });

  it('should refuse to sign an already-signed contract with a conflict and change nothing', async () => {
    const { contract } = await billsContract({ isSigned: true });
    const before = await row(contract.id);
    await expect(signContract(sdb.db, manager, contract.id)).rejects.toMatchObject({ code: 'conflict', message: `contract ${contract.id} is already signed` });
    expect(await row(contract.id)).toEqual(before);
    expect(await auditOf(contract.id)).toHaveLength(0);
  });

  it('should not notify a sales employee who signs their own contract', async () => {
    const { contract } = await billsContract();
    await signContract(sdb.db, sales, contract.id);
    expect(await notificationsOf(salesRow.id, contract.id)).toHaveLength(0);
  });

  it('should keep a signed contract signed even against direct SQL (database trigger)', async () => {
    const { contract } = await billsContract({ isSigned: true });
    await expect(sdb.sql.query('UPDATE contracts SET is_signed = false, signed_at = NULL WHERE id = $1', [contract.id])).rejects.toThrow(/cannot be unsigned/);
    expect((await row(contract.id)).is_signed).toBe(true);
  });

  it('should report an unknown contract as not found', async () => {
    await expect(signContract(sdb.db, manager, 987654)).rejects.toMatchObject({ code: 'not_found', message: 'contract 987654 not found' });
  });
});

describe('contract pay', () => {
  it('should lower the amount due exactly and audit the change', async () => {
    const { contract } = await billsContract({ totalAmount: '0.30', amountDue: '0.30', isSigned: true });
    await recordPayment(sdb.db, sales, contract.id, '0.10');
    const paid = await recordPayment(sdb.db, sales, contract.id, '0.20');
    expect(paid.amountDue).toBe('0.00');
    const audit = await auditOf(contract.id);
    expect(audit.map((a) => a.action)).toEqual(['contract.pay', 'contract.pay']);
    expect(audit[1].changes).toEqual({ amountDue: { before: '0.20', after: '0.00' } });
  });

  it('should refuse a payment above the amount due, naming both amounts', async () => {
    const { contract } = await billsContract({ totalAmount: '100.00', amountDue: '50.00', isSigned: true });
    await expect(recordPayment(sdb.db, manager, contract.id, '50.01')).rejects.toMatchObject({
      code: 'conflict',
      message: 'payment of 50.01 exceeds the amount due 50.00',
    });
    expect(await row(contract.id)).toMatchObject({ due: '50.00', version: 1 });
    expect(await auditOf(contract.id)).toHaveLength(0);
  });

  it('should refuse a payment of zero as a validation error', async () => {
    const { contract } = await billsContract();
    await expect(recordPayment(sdb.db, manager, contract.id, '0.00')).rejects.toMatchObject({ code: 'validation' });
    expect(await row(contract.id)).toMatchObject({ due: '1000.00', version: 1 });
  });

  it('should refuse a payment on an unsigned contract: sign it first', async () => {
    const { contract } = await billsContract();
    await expect(recordPayment(sdb.db, manager, contract.id, '1.00')).rejects.toMatchObject({
      code: 'conflict',
      message: `contract ${contract.id} is not signed: sign it first`,
    });
    expect(await row(contract.id)).toMatchObject({ due: '1000.00', version: 1 });
    expect(await auditOf(contract.id)).toHaveLength(0);
  });

  it('should refuse any payment once nothing is due', async () => {
    const { contract } = await billsContract({ totalAmount: '10.00', amountDue: '0.00', isSigned: true });
    await expect(recordPayment(sdb.db, manager, contract.id, '0.01')).rejects.toMatchObject({ message: 'payment of 0.01 exceeds the amount due 0.00' });
  });
});

describe('contract delete', () => {
  it('should delete an unsigned contract without events and audit its last values', async () => {
    const { contract } = await billsContract();
    await deleteContract(sdb.db, manager, contract.id);
    expect(await sdb.sql.query('SELECT id FROM contracts WHERE id = $1', [contract.id])).toHaveLength(0);
    const audit = await auditOf(contract.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'contract.delete', changes: { totalAmount: { before: '1000.00', after: null } } });
  });

  it('should refuse to delete a signed contract (with or without events)', async () => {
    const { contract } = await billsContract({ isSigned: true });
    await expect(deleteContract(sdb.db, manager, contract.id)).rejects.toMatchObject({ code: 'conflict', message: `contract ${contract.id} is signed and cannot be deleted` });
    await insertEvent(sdb.sql, { contractId: contract.id });
    await expect(deleteContract(sdb.db, manager, contract.id)).rejects.toMatchObject({ code: 'conflict' });
    expect(await sdb.sql.query('SELECT id FROM contracts WHERE id = $1', [contract.id])).toHaveLength(1);
  });

  it('should report an unknown contract as not found', async () => {
    await expect(deleteContract(sdb.db, manager, 987654)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('contract list', () => {
  const ids = async (filters: Parameters<typeof listContracts>[2], actor: Actor = manager) =>
    (await listContracts(sdb.db, actor, filters, { limit: 500 })).items.map((c) => c.id);

  it('should list with --mine the contracts of the clients a SALES employee owns now', async () => {
    const seller = await insertEmployee(sdb.sql, { role: 'SALES' });
    const mine = await insertClient(sdb.sql, { salesContactId: seller.id });
    const handedOver = await insertClient(sdb.sql, { salesContactId: seller.id });
    const a = await insertContract(sdb.sql, { clientId: mine.id, salesContactId: seller.id });
    const b = await insertContract(sdb.sql, { clientId: handedOver.id, salesContactId: seller.id });
    await sdb.sql.query('UPDATE clients SET sales_contact_id = $1 WHERE id = $2', [otherSales.id, handedOver.id]);
    expect(await ids({ mine: true }, actorFor(seller))).toEqual([a.id]);
    expect(await ids({ mine: true }, actorFor(otherSales))).toContain(b.id);
  });

  it('should refuse --mine for MANAGEMENT and SUPPORT as a usage error', async () => {
    const support = actorFor(await insertEmployee(sdb.sql, { role: 'SUPPORT' }));
    await expect(listContracts(sdb.db, manager, { mine: true }, { limit: 10 })).rejects.toMatchObject({ code: 'usage' });
    await expect(listContracts(sdb.db, support, { mine: true }, { limit: 10 })).rejects.toMatchObject({ code: 'usage' });
  });

  it('should filter by client, signature and unpaid amount; a contract paid to exactly zero leaves --unpaid', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const unsigned = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, totalAmount: '10.00' });
    const signed = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, totalAmount: '20.00', isSigned: true });
    const other = await insertContract(sdb.sql, { clientId: (await insertClient(sdb.sql, { salesContactId: salesRow.id })).id, salesContactId: salesRow.id });
    expect(await ids({ clientId: client.id })).toEqual([unsigned.id, signed.id]);
    expect(await ids({ clientId: client.id, signed: true })).toEqual([signed.id]);
    expect(await ids({ clientId: client.id, signed: false })).toEqual([unsigned.id]);
    expect(await ids({ clientId: client.id, unpaid: true })).toEqual([unsigned.id, signed.id]);
    expect(await ids({ clientId: client.id })).not.toContain(other.id);

    await recordPayment(sdb.db, manager, signed.id, '19.99');
    expect(await ids({ clientId: client.id, unpaid: true })).toEqual([unsigned.id, signed.id]);
    await recordPayment(sdb.db, manager, signed.id, '0.01');
    expect(await ids({ clientId: client.id, unpaid: true })).toEqual([unsigned.id]);
    expect(await ids({ clientId: client.id, unpaid: true, signed: true })).toEqual([]);
  });

  it('should page with a keyset cursor', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const created = [];
    for (let i = 0; i < 3; i++) created.push((await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id })).id);
    const first = await listContracts(sdb.db, manager, { clientId: client.id }, { limit: 2 });
    expect(first.items.map((c) => c.id)).toEqual(created.slice(0, 2));
    expect(first.nextCursor).toBe(created[1]);
    const second = await listContracts(sdb.db, manager, { clientId: client.id }, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((c) => c.id)).toEqual([created[2]]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('should carry the client and sales contact names and exact amount strings', async () => {
    const { contract } = await billsContract({ totalAmount: '1500.50', amountDue: '0.05' });
    const [listed] = (await listContracts(sdb.db, manager, { clientId: contract.clientId }, { limit: 1 })).items;
    expect(listed).toMatchObject({ clientName: 'Kevin Casey', salesContactName: 'Bill Boquet', totalAmount: '1500.50', amountDue: '0.05' });
  });
});
