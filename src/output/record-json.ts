/**
 * The JSON document of each record, as `--json` prints it and as the API answers it: one place for
 * both front ends. Each is a projection of its record that loses nothing a client needs to revive
 * it: the record's keys (plus what is derived for readers, e.g. `isRead`), times as ISO 8601 UTC
 * strings (`format: date-time` in the API's schemas, src/api/record-schemas.ts), amounts as the
 * exact two-decimal strings.
 */
import {
  type AuditRecord,
  type ClientRecord,
  type ContractRecord,
  type EmployeeRecord,
  type EventRecord,
  type NotificationRecord,
  type Page,
  type Report,
  type TenantAccount,
} from '../backend/backend';
import { CLIENT_JSON_KEYS, CONTRACT_JSON_KEYS, EMPLOYEE_JSON_KEYS, EVENT_JSON_KEYS, jsonRecord, type JsonValue, jsonValue } from './json-values';

export function employeeJson(employee: EmployeeRecord): JsonValue {
  return jsonRecord(employee, EMPLOYEE_JSON_KEYS);
}

export function clientJson(client: ClientRecord): JsonValue {
  return jsonRecord(client, CLIENT_JSON_KEYS);
}

/** The documented keys, plus the sales contact's name for people reading it. */
export function contractJson(contract: ContractRecord): JsonValue {
  return { ...jsonRecord(contract, CONTRACT_JSON_KEYS), salesContactName: contract.salesContactName };
}

/** The documented keys; support is null while nobody is assigned. */
export function eventJson(event: EventRecord): JsonValue {
  return jsonRecord(event, EVENT_JSON_KEYS);
}

export function notificationJson(n: NotificationRecord): JsonValue {
  return {
    id: n.id,
    kind: n.kind,
    message: n.message,
    entityType: n.entityType,
    entityId: n.entityId,
    isRead: n.readAt !== null,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}

export function auditJson(entry: AuditRecord): JsonValue {
  return {
    id: entry.id,
    occurredAt: entry.occurredAt.toISOString(),
    actorId: entry.actorId,
    actorLabel: entry.actorLabel,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: jsonValue(entry.changes),
  };
}

/** Amounts are the exact two-decimal strings, counts numbers, times ISO 8601 UTC. */
export function reportJson(report: Report): JsonValue {
  return jsonValue(report);
}

/** `tenant show`: `{id, slug, name, plan, status, trialEndsAt, createdAt, limits, usage}`; a null limit is no limit. */
export function tenantJson(account: TenantAccount): JsonValue {
  return {
    id: account.id,
    slug: account.slug,
    name: account.name,
    plan: account.plan,
    status: account.status,
    trialEndsAt: account.trialEndsAt ? account.trialEndsAt.toISOString() : null,
    createdAt: account.createdAt.toISOString(),
    // A revived answer leaves a null out: no limit either way.
    limits: { employees: account.limits.employees ?? null, clients: account.limits.clients ?? null },
    usage: { employees: account.usage.employees, clients: account.usage.clients },
  };
}

/** A page of a list as the API answers it; `nextCursor` is null on the last page. */
export function pageJson<T>(page: Page<T>, itemJson: (item: T) => JsonValue): JsonValue {
  return { items: page.items.map(itemJson), nextCursor: page.nextCursor ?? null };
}
