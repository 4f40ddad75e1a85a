import { type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { type Actor, actorLabel } from '../auth/actor';
import { assertActorCurrent } from '../auth/current-actor';
import { Client } from '../entities/client.entity';
import { Contract } from '../entities/contract.entity';
import { Event } from '../entities/event.entity';
import { prepared } from '../database/prepared-statements';
import { type SqlRunner } from '../database/sql-runner';
import { conflict, fieldText, notFound, usageError, validationError } from '../errors/cli-error';
import { assertAllowed } from '../permissions/assert-allowed';
import { fromCents, toCents } from '../validation/parse';
import { checkAmountDue } from '../validation/contract-fields';
import { changedFields, recordAudit } from './audit.service';
import { assertAllowedOnClient, clientSearchCondition, searchPattern } from './client.service';
import { notify } from './notify';
import { type Page, type PageRequest, applyKeyset, toPage } from './pagination';
import { returningRows } from './returning-rows';
import { updateVersioned } from './versioned-update';

/** A contract as the CLI shows it: amounts are exact decimal strings, never numbers. */
export interface ContractRecord {
  id: number;
  clientId: number;
  clientName: string;
  salesContactId: number;
  salesContactName: string;
  totalAmount: string;
  amountDue: string;
  isSigned: boolean;
  signedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface ContractFilters {
  /** SALES only: contracts of the clients they own now. */
  mine?: boolean;
  clientId?: number;
  /** true: signed only; false: unsigned only; undefined: both. */
  signed?: boolean;
  /** amount due > 0 */
  unpaid?: boolean;
  /** Case-insensitive substring of the client's full name, email or company name. */
  search?: string;
}

export interface NewContract {
  clientId: number;
  /** Exact decimal strings as parseAmount returns them ("1500.00"). */
  totalAmount: string;
  amountDue?: string;
  signed?: boolean;
}

export interface ContractChanges {
  totalAmount?: string;
  amountDue?: string;
}

export interface ClientChoice {
  id: number;
  fullName: string;
  companyName: string;
}

const AUDITED_FIELDS: (keyof ContractRecord & string)[] = [
  'clientId',
  'salesContactId',
  'totalAmount',
  'amountDue',
  'isSigned',
  'signedAt',
];

function baseQuery(manager: EntityManager): SelectQueryBuilder<Contract> {
  return manager
    .createQueryBuilder(Contract, 'contract')
    .innerJoinAndSelect('contract.client', 'client')
    .innerJoinAndSelect('contract.salesContact', 'salesContact');
}

function toRecord(contract: Contract): ContractRecord {
  const sales = contract.salesContact;
  return {
    id: contract.id,
    clientId: contract.clientId,
    clientName: contract.client?.fullName ?? '',
    salesContactId: contract.salesContactId,
    salesContactName: sales ? `${sales.firstName} ${sales.lastName}` : '',
    totalAmount: contract.totalAmount,
    amountDue: contract.amountDue,
    isSigned: contract.isSigned,
    signedAt: contract.signedAt,
    createdAt: contract.createdAt,
    updatedAt: contract.updatedAt,
    version: contract.version,
  };
}

async function findContract(manager: EntityManager, id: number): Promise<Contract> {
  const contract = await baseQuery(manager).where('contract.id = :id', { id }).getOne();
  if (!contract) throw notFound('contract', id);
  return contract;
}

const staleWrite = (id: number) => conflict(`contract ${id} was changed by someone else; show it again and retry`);

export async function listContracts(
  db: SqlRunner,
  actor: Actor,
  filters: ContractFilters,
  page: PageRequest,
): Promise<Page<ContractRecord>> {
  assertAllowed(actor, 'contract.read');
  if (filters.mine && actor.role !== 'SALES') {
    throw usageError(fieldText`{mine} lists the contracts of your own clients, so it is only for SALES employees`);
  }
  const query = baseQuery(db.manager);
  if (filters.mine) query.andWhere('client.salesContactId = :me', { me: actor.id });
  if (filters.clientId !== undefined) query.andWhere('contract.clientId = :clientId', { clientId: filters.clientId });
  if (filters.signed !== undefined) query.andWhere('contract.isSigned = :signed', { signed: filters.signed });
  if (filters.unpaid) query.andWhere('contract.amountDue > 0');
  if (filters.search !== undefined) query.andWhere(clientSearchCondition('client'), { pattern: searchPattern(filters.search) });
  const contracts = await applyKeyset(query, 'contract.id', page).getMany();
  return toPage(contracts.map(toRecord), page);
}

export async function getContract(db: SqlRunner, actor: Actor, id: number): Promise<ContractRecord> {
  assertAllowed(actor, 'contract.read');
  return toRecord(await findContract(db.manager, id));
}

/** Clients to pick from when `contract create` asks for one: the most recently updated first. */
export async function recentClients(db: SqlRunner, limit = 20): Promise<ClientChoice[]> {
  const clients = await db.manager
    .createQueryBuilder(Client, 'client')
    .orderBy('client.updatedAt', 'DESC')
    .addOrderBy('client.id', 'DESC')
    .limit(limit)
    .getMany();
  return clients.map((c) => ({ id: c.id, fullName: c.fullName, companyName: c.companyName }));
}

/**
 * MANAGEMENT writes a contract for a client; its sales contact is the client's owner at this
 * moment (the client row is share-locked so a concurrent reassignment cannot slip in between).
 * Created with `signed`, it counts as a signature: signed_at = now() and the sales contact is told.
 */
export async function createContract(db: SqlRunner, actor: Actor, input: NewContract): Promise<ContractRecord> {
  assertAllowed(actor, 'contract.create');
  const totalAmount = input.totalAmount;
  const amountDue = input.amountDue ?? totalAmount;
  checkAmountDue(amountDue, totalAmount);
  return db.transaction(async (manager) => {
    const client = await manager
      .createQueryBuilder(Client, 'client')
      .setLock('pessimistic_read')
      .where('client.id = :id', { id: input.clientId })
      .getOne();
    if (!client) throw notFound('client', input.clientId);
    const inserted = await manager.insert(Contract, {
      clientId: client.id,
      salesContactId: client.salesContactId,
      totalAmount,
      amountDue,
      isSigned: input.signed === true,
      signedAt: input.signed ? () => 'now()' : null,
    });
    const id = Number((inserted.identifiers[0] as { id: number }).id);
    const created = toRecord(await findContract(manager, id));
    await recordAudit(manager, {
      actor,
      action: 'contract.create',
      entityType: 'contract',
      entityId: id,
      changes: changedFields<ContractRecord>(null, created, AUDITED_FIELDS),
    });
    if (created.isSigned) await notifySigned(manager, actor, created);
    return created;
  });
}

/**
 * Changes the total and/or the amount due, keeping 0 <= due <= total. When only the total
 * changes, what has already been paid (total - due) stays the same, so the due amount moves by
 * the same difference; a new total below what was paid is refused.
 */
export async function updateContract(
  db: SqlRunner,
  actor: Actor,
  id: number,
  changes: ContractChanges,
  expectedVersion?: number,
): Promise<ContractRecord> {
  assertAllowed(actor, 'contract.update');
  if (changes.totalAmount === undefined && changes.amountDue === undefined) {
    throw usageError('nothing to update', fieldText`pass {totalAmount} and/or {amountDue}`);
  }
  return db.transaction(async (manager) => {
    const contract = await findContract(manager, id);
    await assertAllowedOnClient(manager, actor, 'contract.update', contract.clientId);
    const version = expectedVersion ?? contract.version;
    if (version !== contract.version) throw staleWrite(id);
    const before = toRecord(contract);

    const total = toCents(changes.totalAmount ?? contract.totalAmount);
    let due: bigint;
    if (changes.amountDue !== undefined) {
      due = toCents(changes.amountDue);
    } else {
      const paid = toCents(contract.totalAmount) - toCents(contract.amountDue);
      due = total - paid;
      if (due < 0n) {
        throw conflict(
          `the total ${fromCents(total)} is less than what has already been paid (${fromCents(paid)})`,
          fieldText`pass {amountDue} as well to set both`,
        );
      }
    }
    checkAmountDue(fromCents(due), fromCents(total));

    const after = { ...before, totalAmount: fromCents(total), amountDue: fromCents(due) };
    const fieldChanges = changedFields<ContractRecord>(before, after, AUDITED_FIELDS);
    if (Object.keys(fieldChanges).length === 0) return before;

    await updateVersioned(manager, {
      table: 'contracts',
      entity: 'contract',
      id,
      expectedVersion: version,
      set: { total_amount: after.totalAmount, amount_due: after.amountDue },
    });
    await recordAudit(manager, { actor, action: 'contract.update', entityType: 'contract', entityId: id, changes: fieldChanges });
    return toRecord(await findContract(manager, id));
  });
}

/** Signs an unsigned contract; a contract stays signed for ever (the database refuses the reverse). */
export async function signContract(db: SqlRunner, actor: Actor, id: number): Promise<ContractRecord> {
  assertAllowed(actor, 'contract.update');
  return db.transaction(async (manager) => {
    const contract = await findContract(manager, id);
    await assertAllowedOnClient(manager, actor, 'contract.update', contract.clientId);
    const alreadySigned = () => conflict(`contract ${id} is already signed`);
    if (contract.isSigned) throw alreadySigned();
    // The NOT is_signed guard makes two concurrent signatures produce one signature and one conflict.
    const rows = await returningRows<{ id: number }>(
      manager,
      `UPDATE contracts
          SET is_signed = true, signed_at = now(), version = version + 1, updated_at = now()
        WHERE id = $1 AND NOT is_signed
        RETURNING id`,
      [id],
    );
    if (rows.length === 0) throw alreadySigned();
    const signed = toRecord(await findContract(manager, id));
    await recordAudit(manager, {
      actor,
      action: 'contract.sign',
      entityType: 'contract',
      entityId: id,
      changes: changedFields<ContractRecord>(toRecord(contract), signed, ['isSigned', 'signedAt']),
    });
    await notifySigned(manager, actor, signed);
    return signed;
  });
}

/**
 * Records a payment on a signed contract. The decrease and the check happen in one statement, so concurrent
 * payments are serialised by the row lock and can never take the amount due below zero.
 */
export async function recordPayment(db: SqlRunner, actor: Actor, id: number, amount: string): Promise<ContractRecord> {
  assertAllowed(actor, 'contract.update');
  if (toCents(amount) <= 0n) throw validationError(fieldText`{amount} must be greater than 0`);
  return db.transaction(async (manager) => {
    // The author re-checked (and share-locked) before the contract's row is: payments on one contract
    // wait for each other, so every statement after the UPDATE is time the next payment waits.
    await assertActorCurrent(manager, actor);
    const contract = await findContract(manager, id);
    await assertAllowedOnClient(manager, actor, 'contract.update', contract.clientId);
    // Money is owed only under a signed contract (a signature cannot be undone, so no race here).
    if (!contract.isSigned) throw conflict(`contract ${id} is not signed: sign it first`, `run \`epicevents contract sign ${id}\``);
    // The paid contract comes back from the same statement, as it is now, instead of a read after it.
    const rows = await returningRows<PaidRow>(manager, PAY_SQL, [id, amount]);
    if (rows.length === 0) {
      const [current] = await manager.query('SELECT amount_due::text AS due FROM contracts WHERE id = $1', [id]);
      throw conflict(`payment of ${amount} exceeds the amount due ${(current as { due: string } | undefined)?.due ?? contract.amountDue}`);
    }
    const { before, ...paid } = rows[0];
    await recordAudit(manager, {
      actor,
      action: 'contract.pay',
      entityType: 'contract',
      entityId: id,
      changes: { amountDue: { before, after: paid.amount_due } },
    });
    return {
      id: paid.id,
      clientId: paid.client_id,
      clientName: paid.client_name,
      salesContactId: paid.sales_contact_id,
      salesContactName: paid.sales_contact_name,
      totalAmount: paid.total_amount,
      amountDue: paid.amount_due,
      isSigned: paid.is_signed,
      signedAt: paid.signed_at,
      createdAt: paid.created_at,
      updatedAt: paid.updated_at,
      version: paid.version,
    };
  });
}

interface PaidRow {
  id: number;
  client_id: number;
  client_name: string;
  sales_contact_id: number;
  sales_contact_name: string;
  total_amount: string;
  amount_due: string;
  is_signed: boolean;
  signed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  before: string;
}

/** The decrease and its check in one statement, returning the contract as ContractRecord has it. */
const PAY_SQL = prepared(
  `WITH paid AS (
     UPDATE contracts
        SET amount_due = amount_due - $2::numeric, version = version + 1, updated_at = now()
      WHERE id = $1 AND amount_due >= $2::numeric
      RETURNING *)
   SELECT paid.id, paid.client_id, c.full_name AS client_name, paid.sales_contact_id,
          s.first_name || ' ' || s.last_name AS sales_contact_name, paid.total_amount::text AS total_amount,
          paid.amount_due::text AS amount_due, paid.is_signed, paid.signed_at, paid.created_at, paid.updated_at,
          paid.version, (paid.amount_due + $2::numeric)::text AS before
     FROM paid
     JOIN clients c ON c.id = paid.client_id
     JOIN employees s ON s.id = paid.sales_contact_id`,
);

/** Only an unsigned contract without events may go: a signed one is a commitment to keep. */
export async function deleteContract(db: SqlRunner, actor: Actor, id: number): Promise<ContractRecord> {
  assertAllowed(actor, 'contract.delete');
  return db.transaction(async (manager) => {
    const contract = toRecord(await findContract(manager, id));
    if (contract.isSigned) throw conflict(`contract ${id} is signed and cannot be deleted`);
    if (await manager.exists(Event, { where: { contractId: id } })) {
      throw conflict(`contract ${id} has events and cannot be deleted`);
    }
    // Re-checked in the statement: a signature committed since the read makes this delete nothing.
    const rows = await returningRows<{ id: number }>(
      manager,
      `DELETE FROM contracts
        WHERE id = $1 AND NOT is_signed AND NOT EXISTS (SELECT 1 FROM events WHERE contract_id = $1)
        RETURNING id`,
      [id],
    );
    if (rows.length === 0) throw conflict(`contract ${id} was signed or given events meanwhile and cannot be deleted`);
    await recordAudit(manager, {
      actor,
      action: 'contract.delete',
      entityType: 'contract',
      entityId: id,
      changes: changedFields<ContractRecord>(contract, {}, AUDITED_FIELDS),
    });
    return contract;
  });
}

/** Tells the contract's sales contact it was signed (not when they signed it themselves). */
async function notifySigned(manager: EntityManager, actor: Actor, contract: ContractRecord): Promise<void> {
  if (contract.salesContactId === actor.id) return;
  await notify(manager, [contract.salesContactId], {
    kind: 'contract_signed',
    message: `Contract #${contract.id} with ${contract.clientName} (${contract.totalAmount}) was signed by ${actorLabel(actor)}`,
    entityType: 'contract',
    entityId: contract.id,
  });
}
