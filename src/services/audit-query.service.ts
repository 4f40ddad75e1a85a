import { type Actor } from '../auth/actor';
import { type SqlRunner } from '../database/sql-runner';
import { type FieldChanges } from '../entities/audit-entry.entity';
import { assertAllowed } from '../permissions/assert-allowed';
import { type Page, type PageRequest } from './pagination';

export interface AuditFilters {
  entityType?: string;
  entityId?: number;
  actorId?: number;
  action?: string;
  since?: Date;
}

export interface AuditRecord {
  id: number;
  occurredAt: Date;
  actorId: number | null;
  actorLabel: string | null;
  action: string;
  entityType: string;
  entityId: number | null;
  changes: FieldChanges;
}

interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_id: number | null;
  actor_label: string | null;
  action: string;
  entity_type: string;
  entity_id: number | null;
  changes: FieldChanges;
}

/**
 * The audit trail, newest first (what a manager looks for), for MANAGEMENT only. Keyset paging
 * runs backwards: `--cursor N` continues with entries older than N.
 */
export async function listAudit(db: SqlRunner, actor: Actor, filters: AuditFilters, page: PageRequest): Promise<Page<AuditRecord>> {
  assertAllowed(actor, 'audit.read');
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filters.entityType !== undefined) add('entity_type = ?', filters.entityType);
  if (filters.entityId !== undefined) add('entity_id = ?', filters.entityId);
  if (filters.actorId !== undefined) add('actor_id = ?', filters.actorId);
  if (filters.action !== undefined) add('action = ?', filters.action);
  if (filters.since !== undefined) add('occurred_at >= ?', filters.since);
  if (page.cursor !== undefined) add('id < ?', page.cursor);
  params.push(page.limit + 1);
  const rows: AuditRow[] = await db.query(
    `SELECT id, occurred_at, actor_id, actor_label, action, entity_type, entity_id, changes
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const records = rows.map((row) => ({
    id: Number(row.id),
    occurredAt: new Date(row.occurred_at),
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    changes: row.changes,
  }));
  if (records.length <= page.limit) return { items: records };
  const items = records.slice(0, page.limit);
  return { items, nextCursor: items[items.length - 1].id };
}
