import { type EntityManager } from 'typeorm';
import { type Actor, actorLabel } from '../auth/actor';
import { assertActorCurrent } from '../auth/current-actor';
import { prepared } from '../database/prepared-statements';
import { type AuditEntityType, type FieldChanges } from '../entities/audit-entry.entity';
import { type BusinessEvent, businessEvent } from '../observability/business-events';

export interface AuditRecord {
  actor: Actor | null;
  action: string;
  entityType: AuditEntityType;
  entityId: number | null;
  changes?: FieldChanges;
  /**
   * false only for `logout`: ending one's own session must work for an account deactivated
   * meanwhile. Every other write is refused unless its author is still active in the same role.
   */
  recheckActor?: false;
}

/**
 * Appends one audit entry inside the caller's transaction: it commits or rolls back with the write.
 * Every write an employee makes is audited, so this is also where its author is re-checked (still
 * active, same role; exit 3 or 4 and nothing written otherwise), with their row share-locked until
 * commit. The database stamps `occurred_at` (a trigger), never the caller.
 * The audited actions that matter to the business also become Sentry events (sent only if the
 * command succeeds), so no service can audit a signature and forget to report it.
 */
export async function recordAudit(manager: EntityManager, record: AuditRecord): Promise<void> {
  if (record.actor && record.recheckActor !== false) await assertActorCurrent(manager, record.actor);
  const event = businessEventFor(record);
  if (event) businessEvent(event);
  await manager.query(INSERT_AUDIT_SQL, [
    record.actor?.id ?? null,
    record.actor ? fitLabel(actorLabel(record.actor)) : null,
    record.action,
    record.entityType,
    record.entityId,
    JSON.stringify(record.changes ?? {}),
  ]);
}

/** Every write makes one: a prepared statement, without the id TypeORM's insert would read back. */
const INSERT_AUDIT_SQL = prepared(
  'INSERT INTO audit_log (actor_id, actor_label, action, entity_type, entity_id, changes) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
);

/** audit_log.actor_label holds 300 characters; names (100 + 100) and an email (254) can exceed it. */
const ACTOR_LABEL_MAX = 300;

function fitLabel(label: string): string {
  const chars = Array.from(label);
  return chars.length <= ACTOR_LABEL_MAX ? label : `${chars.slice(0, ACTOR_LABEL_MAX - 1).join('')}…`;
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

const EMPLOYEE_EVENTS: Record<string, string> = {
  'employee.create': 'created',
  'employee.update': 'updated',
  'employee.deactivate': 'deactivated',
  'employee.reactivate': 'reactivated',
  'employee.delete': 'deleted',
  'employee.reset-password': 'had their password reset',
};

/** Employee lifecycle and contract signatures (including a contract created already signed). */
export function businessEventFor(record: AuditRecord): BusinessEvent | undefined {
  const by = record.actor ? ` by employee ${record.actor.id}` : '';
  const tags: Record<string, string | number> = {};
  if (record.actor) tags.actor_id = record.actor.id;
  if (record.entityType === 'employee' && EMPLOYEE_EVENTS[record.action] && record.entityId !== null) {
    const role = record.changes?.role;
    const detail = record.action === 'employee.update' && role ? ` (role ${String(role.before)} → ${String(role.after)})` : '';
    return {
      name: record.action,
      message: `employee ${record.entityId} ${EMPLOYEE_EVENTS[record.action]}${detail}${by}`,
      tags: { ...tags, employee_id: record.entityId },
    };
  }
  const signedNow = record.action === 'contract.sign' || (record.action === 'contract.create' && record.changes?.isSigned?.after === true);
  if (record.entityType === 'contract' && signedNow && record.entityId !== null) {
    return { name: 'contract.signed', message: `contract ${record.entityId} signed${by}`, tags: { ...tags, contract_id: record.entityId } };
  }
  return undefined;
}
