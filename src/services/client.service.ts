import { type EntityManager } from 'typeorm';
import { type Actor } from '../auth/actor';
import { sessionAccountGone } from '../auth/current-actor';
import { prepared } from '../database/prepared-statements';
import { type SqlRunner } from '../database/sql-runner';
import { assertRoomFor } from './tenant.service';
import { Client } from '../entities/client.entity';
import { Employee } from '../entities/employee.entity';
import { conflict, fieldText, notFound, usageError } from '../errors/cli-error';
import { assertAllowed } from '../permissions/assert-allowed';
import { type Action, ruleFor } from '../permissions/permission-matrix';
import { parseClientFullName, parseCompanyName } from '../validation/client-fields';
import { parseEmail, parsePhone, parseSearch } from '../validation/parse';
import { changedFields, recordAudit } from './audit.service';
import { moveContracts } from './hand-over';
import { type Page, type PageRequest, toPage } from './pagination';
import { updateVersioned } from './versioned-update';

/** A client as the CLI shows it, with the name of its SALES owner. */
export interface ClientRecord {
  id: number;
  fullName: string;
  email: string;
  phone: string;
  companyName: string;
  salesContactId: number;
  salesContactName: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface ClientFilters {
  /** SALES only: the clients the actor owns. */
  mine?: boolean;
  salesContactId?: number;
  /** Case-insensitive substring of the full name, email or company name. */
  search?: string;
}

/** Raw values from flags or prompts; the service validates and normalises them. */
export interface NewClient {
  fullName: string;
  email: string;
  phone: string;
  companyName: string;
}

export interface ClientChanges {
  fullName?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  /** MANAGEMENT only: the new SALES owner. */
  salesContactId?: number;
  /** Refuse unless the client is still at this version (scripts); default: the version read now. */
  expectedVersion?: number;
}

type ClientDetails = Pick<ClientRecord, 'fullName' | 'email' | 'phone' | 'companyName'>;

const AUDITED_FIELDS: (keyof ClientRecord & string)[] = ['fullName', 'email', 'phone', 'companyName', 'salesContactId'];
const DETAIL_COLUMNS: Record<keyof ClientDetails, string> = {
  fullName: 'full_name',
  email: 'email',
  phone: 'phone',
  companyName: 'company_name',
};

/**
 * A client as ClientRecord needs it, with its owner's name, in plain SQL: the list is the server's
 * busiest read, and building it through the query builder and its entities took about a fifth of
 * the server's CPU per page (docs/performance.md).
 */
const CLIENT_SELECT = `SELECT c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id,
          c.created_at, c.updated_at, c.version, o.first_name AS owner_first_name, o.last_name AS owner_last_name
     FROM clients c JOIN employees o ON o.id = c.sales_contact_id`;

interface ClientRow {
  id: number;
  full_name: string;
  email: string;
  phone: string;
  company_name: string;
  sales_contact_id: number;
  created_at: Date;
  updated_at: Date;
  version: number;
  owner_first_name: string;
  owner_last_name: string;
}

function toRecord(row: ClientRow): ClientRecord {
  return {
    id: row.id,
    fullName: row.full_name,
    email: row.email,
    phone: row.phone,
    companyName: row.company_name,
    salesContactId: row.sales_contact_id,
    salesContactName: `${row.owner_first_name} ${row.owner_last_name}`,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

const CLIENT_BY_ID = prepared(`${CLIENT_SELECT} WHERE c.id = $1`);

/** `%` and `_` typed by the user are literal characters, not wildcards. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `--search` on a client, for `client list` and for the contracts of matching clients: a
 * case-insensitive substring of the full name, email or company name. The ids come from the
 * database function matching_client_ids (docs/tenancy.md): under row security an ILIKE in this
 * query could use no index, the function's own query uses the trigram indexes of the three columns.
 * `alias` is the clients table's alias in the query; the pattern is the `:pattern` parameter (or `pattern`, e.g. `$2`).
 */
export function clientSearchCondition(alias: string, pattern = ':pattern'): string {
  return `${alias}.id = ANY(ARRAY(SELECT matching_client_ids(${pattern})))`;
}

/** The `:pattern` parameter of a `--search` text: checked like any text, `%` and `_` literal. */
export function searchPattern(search: string): string {
  return likePattern(parseSearch(search));
}

export async function listClients(db: SqlRunner, actor: Actor, filters: ClientFilters, page: PageRequest): Promise<Page<ClientRecord>> {
  assertAllowed(actor, 'client.read');
  if (filters.mine && actor.role !== 'SALES') {
    throw usageError(fieldText`{mine} lists the clients a SALES employee owns; you are ${actor.role}`, fieldText`use {salesContactId} <employeeId> to list the clients of one salesperson`);
  }
  if (filters.mine && filters.salesContactId !== undefined) throw usageError(fieldText`use either {mine} or {salesContactId}, not both`);
  // Keyset paging as applyKeyset does it (a cursor of 0 is before the first id).
  const values: unknown[] = [page.cursor ?? 0, page.limit + 1];
  const where = ['c.id > $1'];
  const ownerId = filters.mine ? actor.id : filters.salesContactId;
  if (ownerId !== undefined) where.push(`c.sales_contact_id = $${values.push(ownerId)}`);
  const sql = `${CLIENT_SELECT} WHERE ${where.join(' AND ')}`;
  // A search's plan depends on its text: planned at each run, the rest prepared once.
  const statement =
    filters.search === undefined
      ? prepared(`${sql} ORDER BY c.id LIMIT $2`)
      : `${sql} AND ${clientSearchCondition('c', `$${values.push(searchPattern(filters.search))}`)} ORDER BY c.id LIMIT $2`;
  const rows = await db.query<ClientRow>(statement, values);
  return toPage(rows.map(toRecord), page);
}

export async function getClient(db: SqlRunner, actor: Actor, id: number): Promise<ClientRecord> {
  assertAllowed(actor, 'client.read');
  return loadClient(db.manager, id);
}

/** A SALES employee creates a client; it becomes theirs. */
export async function createClient(db: SqlRunner, actor: Actor, input: NewClient): Promise<ClientRecord> {
  assertAllowed(actor, 'client.create');
  const values = parseDetails(input);
  await assertRoomFor(db, 'clients');
  return db.transaction(async (manager) => {
    // The role as the database says now, locked until commit: a just-demoted employee cannot slip through.
    await assertActiveSales(manager, actor.id, actor);
    await assertEmailFree(manager, values.email);
    const inserted = await manager.insert(Client, { ...values, salesContactId: actor.id });
    const id = Number(inserted.identifiers[0].id);
    const client = await loadClient(manager, id);
    await recordAudit(manager, { actor, action: 'client.create', entityType: 'client', entityId: id, changes: changedFields(null, client, AUDITED_FIELDS) });
    return client;
  });
}

/**
 * SALES edit the details of their own clients; MANAGEMENT may only hand a client to another
 * SALES employee (`salesContactId`). Optimistic locking refuses a write based on a stale read.
 */
export async function updateClient(db: SqlRunner, actor: Actor, id: number, input: ClientChanges): Promise<ClientRecord> {
  const details: Partial<ClientDetails> = {};
  const wantsDetails = input.fullName !== undefined || input.email !== undefined || input.phone !== undefined || input.companyName !== undefined;
  const wantsReassign = input.salesContactId !== undefined;
  if (!wantsDetails && !wantsReassign) {
    throw usageError('nothing to update', fieldText`pass at least one of {fullName}, {email}, {phone}, {companyName}, {salesContactId}`);
  }
  // The role alone decides first, so a refused caller learns it before any validation message.
  if (wantsDetails) assertAllowed(actor, 'client.update');
  if (wantsReassign) assertAllowed(actor, 'client.reassign');
  for (const rule of CLIENT_DETAIL_RULES) if (input[rule.field] !== undefined) details[rule.field] = rule.parse(input[rule.field]);

  return db.transaction(async (manager) => {
    const before = await loadClient(manager, id);
    if (wantsDetails) assertAllowed(actor, 'client.update', () => before.salesContactId === actor.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
      throw conflict(`client ${id} was changed by someone else; show it again and retry`, `it is at version ${before.version}, not ${input.expectedVersion}`);
    }
    if (details.email !== undefined && details.email.toLowerCase() !== before.email.toLowerCase()) await assertEmailFree(manager, details.email, id);
    if (input.salesContactId !== undefined && input.salesContactId !== before.salesContactId) {
      await assertActiveSales(manager, input.salesContactId);
    }
    const after: ClientRecord = { ...before, ...details, salesContactId: input.salesContactId ?? before.salesContactId };
    const changes = changedFields(before, after, AUDITED_FIELDS);
    if (Object.keys(changes).length === 0) return before;

    const set: Record<string, unknown> = {};
    for (const field of Object.keys(details) as (keyof ClientDetails)[]) set[DETAIL_COLUMNS[field]] = details[field];
    if (changes.salesContactId) set.sales_contact_id = after.salesContactId;
    await updateVersioned(manager, { table: 'clients', entity: 'client', id, expectedVersion: before.version, set });
    await recordAudit(manager, { actor, action: 'client.update', entityType: 'client', entityId: id, changes });
    // The client's contracts follow it: their sales contact is the one notified and accountable.
    if (changes.salesContactId) await moveContracts(manager, actor, { column: 'client_id', value: id }, after.salesContactId);
    return loadClient(manager, id);
  });
}

/** MANAGEMENT deletes a client that has no contracts (its history stays in the audit trail). */
export async function deleteClient(db: SqlRunner, actor: Actor, id: number): Promise<ClientRecord> {
  assertAllowed(actor, 'client.delete');
  return db.transaction(async (manager) => {
    // Locking the row makes a contract created meanwhile wait, then fail on the foreign key.
    const locked = await manager.findOne(Client, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!locked) throw notFound('client', id);
    const client = await loadClient(manager, id);
    const [row]: { count: string | number }[] = await manager.query('SELECT count(*) AS count FROM contracts WHERE client_id = $1', [id]);
    const contracts = Number(row.count); // a string from pg, a number from the embedded engine
    if (contracts > 0) {
      throw conflict(
        `client ${id} has ${contracts} contract${contracts === 1 ? '' : 's'} and cannot be deleted`,
        'only a client without contracts can be deleted',
      );
    }
    await manager.delete(Client, { id });
    await recordAudit(manager, { actor, action: 'client.delete', entityType: 'client', entityId: id, changes: changedFields(client, {}, AUDITED_FIELDS) });
    return client;
  });
}

/**
 * The rule of each detail of a new client, in the order they are checked: `client create` and
 * `client import` both validate through this list, so a file is held to the same rules as a flag.
 */
export const CLIENT_DETAIL_RULES: readonly { field: keyof ClientDetails; parse: (value: unknown) => string }[] = [
  { field: 'fullName', parse: (value) => parseClientFullName(value, { field: 'fullName' }) },
  { field: 'email', parse: (value) => parseEmail(value, { field: 'email' }) },
  { field: 'phone', parse: (value) => parsePhone(value, { field: 'phone' }) },
  { field: 'companyName', parse: (value) => parseCompanyName(value, { field: 'companyName' }) },
];

function parseDetails(input: NewClient): ClientDetails {
  const details = {} as ClientDetails;
  for (const rule of CLIENT_DETAIL_RULES) details[rule.field] = rule.parse(input[rule.field]);
  return details;
}

async function loadClient(manager: EntityManager, id: number): Promise<ClientRecord> {
  const [row]: ClientRow[] = await manager.query(CLIENT_BY_ID, [id]);
  if (!row) throw notFound('client', id);
  return toRecord(row);
}

async function assertEmailFree(manager: EntityManager, email: string, exceptId?: number): Promise<void> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM clients WHERE email_key = lower($1) AND id <> $2', [email, exceptId ?? 0]);
  if (rows.length > 0) throw conflict(`a client with the email ${email} already exists`);
}

/**
 * An action on a record of a client (a contract, an event) whose "own" rule means: that client is
 * the actor's now. For a role whose right depends on it, the owner is read with the client row
 * share-locked, so a reassignment cannot commit between this check and the write: it waits for
 * this transaction to end, or this read waits for it and sees the new owner.
 */
export async function assertAllowedOnClient(manager: EntityManager, actor: Actor, action: Action, clientId: number): Promise<void> {
  if (ruleFor(action, actor.role) !== 'own') {
    assertAllowed(actor, action);
    return;
  }
  const [client]: { sales_contact_id: number }[] = await manager.query('SELECT sales_contact_id FROM clients WHERE id = $1 FOR SHARE', [clientId]);
  assertAllowed(actor, action, () => client !== undefined && Number(client.sales_contact_id) === actor.id);
}

/**
 * A client's owner is an active SALES employee. When the owner is the caller (`caller`), a
 * missing row means their account was deleted since the command began: the session has ended
 * (exit 3), which says more than "employee N not found".
 */
export async function assertActiveSales(manager: EntityManager, employeeId: number, caller?: Actor): Promise<void> {
  // FOR KEY SHARE: the new owner cannot be deactivated, deleted or moved to another role until this
  // transaction ends (those lock the row FOR UPDATE); a change of their phone need not wait.
  const owner = await manager.findOne(Employee, { where: { id: employeeId }, lock: { mode: 'for_key_share' } });
  if (!owner) throw caller?.id === employeeId ? sessionAccountGone() : notFound('employee', employeeId);
  if (owner.role !== 'SALES') throw conflict(`employee ${employeeId} is ${owner.role}; a client's owner must be a SALES employee`);
  if (!owner.isActive) throw conflict(`employee ${employeeId} is deactivated; a client's owner must be an active SALES employee`);
}
