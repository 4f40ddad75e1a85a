import { type AuditRecord } from '../../backend/backend';

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
