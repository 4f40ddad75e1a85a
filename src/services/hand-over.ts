import { type EntityManager } from 'typeorm';
import { type Actor, actorLabel } from '../auth/actor';
import { type AuditEntityType } from '../entities/audit-entry.entity';
import { recordAudit } from './audit.service';
import { notify } from './notify';

/** A kind of record an employee owns: the column naming the owner, and how a move is audited. */
interface OwnedKind {
  table: 'clients' | 'contracts' | 'events';
  owner: 'sales_contact_id' | 'support_contact_id';
  entityType: AuditEntityType;
  action: string;
  field: string;
}

export const OWNED = {
  clients: { table: 'clients', owner: 'sales_contact_id', entityType: 'client', action: 'client.update', field: 'salesContactId' },
  contracts: { table: 'contracts', owner: 'sales_contact_id', entityType: 'contract', action: 'contract.update', field: 'salesContactId' },
  events: { table: 'events', owner: 'support_contact_id', entityType: 'event', action: 'event.update', field: 'supportContactId' },
} as const satisfies Record<string, OwnedKind>;

/** Which rows to move: those whose `column` (a constant of the code) equals `value`. */
export interface Selection {
  column: 'sales_contact_id' | 'support_contact_id' | 'client_id';
  value: number;
}

/**
 * Gives the selected records to `toId`, locked in id order, with one audit entry each (previous
 * owner → new owner); returns the ids moved. Bumping `version` makes a concurrent edit of a moved
 * record fail instead of undoing the move.
 */
export async function moveOwned(manager: EntityManager, actor: Actor, kind: OwnedKind, where: Selection, toId: number): Promise<number[]> {
  const rows: { id: number; owner: number | null }[] = await manager.query(
    `SELECT id, ${kind.owner} AS owner FROM ${kind.table}
      WHERE ${where.column} = $1 AND ${kind.owner} IS DISTINCT FROM $2
      ORDER BY id FOR UPDATE`,
    [where.value, toId],
  );
  if (rows.length === 0) return [];
  const ids = rows.map((row) => Number(row.id));
  await manager.query(`UPDATE ${kind.table} SET ${kind.owner} = $2, version = version + 1, updated_at = now() WHERE id = ANY($1::int[])`, [ids, toId]);
  for (const row of rows) {
    await recordAudit(manager, {
      actor,
      action: kind.action,
      entityType: kind.entityType,
      entityId: Number(row.id),
      changes: { [kind.field]: { before: row.owner === null ? null : Number(row.owner), after: toId } },
    });
  }
  return ids;
}

/**
 * A contract's sales contact is its client's owner: whenever clients change hands (`client update
 * --sales`, `employee delete --reassign-to`), their contracts go with them, and the new owner is
 * told of each one.
 */
export async function moveContracts(manager: EntityManager, actor: Actor, where: Selection, toId: number): Promise<number[]> {
  const ids = await moveOwned(manager, actor, OWNED.contracts, where, toId);
  if (ids.length === 0) return ids;
  const contracts: { id: number; full_name: string; total_amount: string }[] = await manager.query(
    `SELECT c.id, cl.full_name, c.total_amount::text AS total_amount
       FROM contracts c JOIN clients cl ON cl.id = c.client_id
      WHERE c.id = ANY($1::int[]) ORDER BY c.id`,
    [ids],
  );
  for (const contract of contracts) {
    await notify(manager, [toId], {
      kind: 'contract_assigned',
      message: `Contract #${contract.id} with ${contract.full_name} (${contract.total_amount}) is now yours, handed over by ${actorLabel(actor)}`,
      entityType: 'contract',
      entityId: Number(contract.id),
    });
  }
  return ids;
}
