import { type AuditRecord } from '../../backend/backend';
import { type JsonValue } from '../../output/json-values';

export function auditJson(entry: AuditRecord): JsonValue {
  return {
    id: entry.id,
    occurredAt: entry.occurredAt.toISOString(),
    actorId: entry.actorId,
    actorLabel: entry.actorLabel,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: entry.changes as never,
  };
}

/** `before → after`. */
export function describeChange({ before, after }: { before: unknown; after: unknown }): string {
  return `${String(before)} → ${String(after)}`;
}

/** Every change on one line, for the list: `field: before → after; …`. */
export function describeChanges(entry: AuditRecord): string {
  return Object.entries(entry.changes)
    .map(([field, change]) => `${field}: ${describeChange(change)}`)
    .join('; ');
}
