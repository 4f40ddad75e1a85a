import { type EntityManager } from 'typeorm';
import { type Actor, actorLabel } from '../auth/actor';
import { AuditEntry, type AuditEntityType, type FieldChanges } from '../entities/audit-entry.entity';

export interface AuditRecord {
  actor: Actor | null;
  action: string;
  entityType: AuditEntityType;
  entityId: number | null;
  changes?: FieldChanges;
}

/** Appends one audit entry inside the caller's transaction: it commits or rolls back with the write. */
export async function recordAudit(manager: EntityManager, record: AuditRecord): Promise<void> {
  await manager.insert(AuditEntry, {
    actorId: record.actor?.id ?? null,
    actorLabel: record.actor ? actorLabel(record.actor) : null,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId,
    changes: (record.changes ?? {}) as never,
  });
}

/** The fields whose value differs, as before → after; dates compared and stored as ISO strings. */
export function changedFields<T extends object>(before: Partial<T> | null, after: Partial<T>, fields: (keyof T & string)[]): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of fields) {
    const a = normalise(before?.[field]);
    const b = normalise(after[field]);
    if (a !== b) changes[field] = { before: a, after: b };
  }
  return changes;
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}
