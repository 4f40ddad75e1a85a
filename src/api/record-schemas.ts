/**
 * The JSON Schema of each record as the API answers it (src/output/record-json.ts makes them):
 * times are `format: date-time` strings, which a client revives as dates (`reviveJson` in
 * src/api/routes.ts); a member that is not `required` may be null, meaning "absent".
 */
import { PLANS } from '../domain/plans';
import { ROLES } from '../domain/roles';
import { TENANT_STATUSES } from '../domain/tenancy';

export type JsonSchema = Record<string, unknown>;

const integer = { type: 'integer' } as const;
const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const amount = { type: 'string', pattern: '^[0-9]+\\.[0-9]{2}$', description: 'an exact amount with two decimals, e.g. "1500.00"' } as const;

function nullable(schema: JsonSchema): JsonSchema {
  const type = schema.type;
  return { ...schema, type: Array.isArray(type) ? [...new Set([...type, 'null'])] : [type, 'null'] };
}

/** An object whose members are all required, except those listed in `optional`, which may be null (absent). */
export function objectSchema(properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema {
  return {
    type: 'object',
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    properties: Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, optional.includes(key) ? nullable(schema) : schema])),
  };
}

export const EMPLOYEE = objectSchema({
  id: integer,
  firstName: text,
  lastName: text,
  email: text,
  phone: { type: ['string', 'null'], description: 'E.164, or null' },
  role: { type: 'string', enum: [...ROLES] },
  isActive: flag,
  mustChangePassword: flag,
  lockedUntil: { type: ['string', 'null'], format: 'date-time', description: 'the end of a lockout in force (too many wrong passwords), or null' },
  createdAt: time,
  updatedAt: time,
  version: { ...integer, description: 'optimistic locking: send it back as `expectedVersion`' },
});

export const CLIENT = objectSchema({
  id: integer,
  fullName: text,
  email: text,
  phone: { ...text, description: 'E.164' },
  companyName: text,
  salesContactId: integer,
  salesContactName: text,
  createdAt: time,
  updatedAt: time,
  version: integer,
});

export const CONTRACT = objectSchema({
  id: integer,
  clientId: integer,
  clientName: text,
  salesContactId: integer,
  totalAmount: amount,
  amountDue: amount,
  isSigned: flag,
  signedAt: { type: ['string', 'null'], format: 'date-time' },
  createdAt: time,
  updatedAt: time,
  version: integer,
  salesContactName: text,
});

export const EVENT = objectSchema({
  id: integer,
  name: text,
  contractId: integer,
  clientId: integer,
  clientName: text,
  clientEmail: text,
  clientPhone: text,
  supportContactId: { type: ['integer', 'null'], description: 'null while nobody supports the event' },
  supportContactName: { type: ['string', 'null'] },
  startAt: time,
  endAt: time,
  location: text,
  attendees: integer,
  notes: text,
  createdAt: time,
  updatedAt: time,
  version: integer,
});

export const NOTIFICATION = objectSchema({
  id: integer,
  kind: text,
  message: text,
  entityType: { type: ['string', 'null'] },
  entityId: { type: ['integer', 'null'] },
  isRead: flag,
  createdAt: time,
  readAt: { type: ['string', 'null'], format: 'date-time' },
});

export const AUDIT_ENTRY = objectSchema({
  id: integer,
  occurredAt: time,
  actorId: { type: ['integer', 'null'] },
  actorLabel: { type: ['string', 'null'] },
  action: text,
  entityType: text,
  entityId: { type: ['integer', 'null'] },
  changes: {
    type: 'object',
    description: 'each changed field, before and after',
    additionalProperties: { type: 'object', properties: { before: {}, after: {} } },
  },
});

const LIMIT = { type: ['integer', 'null'], description: 'null: no limit' } as const;

export const TENANT_ACCOUNT: JsonSchema = {
  type: 'object',
  required: ['id', 'slug', 'name', 'plan', 'status', 'trialEndsAt', 'createdAt', 'limits', 'usage'],
  properties: {
    id: integer,
    slug: text,
    name: text,
    plan: { type: 'string', enum: [...PLANS] },
    status: { type: 'string', enum: [...TENANT_STATUSES] },
    trialEndsAt: { type: ['string', 'null'], format: 'date-time', description: "the end of the trial (a TRIAL tenant's: 14 days from its creation unless set), or null" },
    createdAt: time,
    limits: { type: 'object', required: ['employees', 'clients'], properties: { employees: { ...LIMIT, description: 'active employees; null: no limit' }, clients: LIMIT } },
    usage: objectSchema({ employees: { ...integer, description: 'active employees' }, clients: integer }),
  },
};

export const OWNED_RECORDS = objectSchema({ clients: integer, contracts: integer, events: integer });

export const CLIENT_CHOICE = objectSchema({ id: integer, fullName: text, companyName: text });

const SCHEDULED_EVENT = objectSchema({ id: integer, name: text, startAt: time, endAt: time });

export const SUPPORT_CHOICE = objectSchema({ id: integer, name: text, email: text, busyWith: SCHEDULED_EVENT }, ['busyWith']);

const MONTH_FIGURE = objectSchema({ month: { ...text, description: 'YYYY-MM' }, count: integer, value: amount });
const CONTRACT_FIGURES = { signedCount: integer, signedValue: amount, unsignedCount: integer, unsignedValue: amount, amountDue: amount };
const REPORT_EVENT = objectSchema({
  id: integer,
  name: text,
  clientName: text,
  startAt: time,
  endAt: time,
  location: text,
  attendees: integer,
  supportContactName: { type: ['string', 'null'] },
});
const REPORT_HEAD = { generatedAt: time, timeZone: text };

export const REPORT: JsonSchema = {
  description: "the dashboard of the caller's role, told apart by `role`",
  oneOf: [
    objectSchema({
      role: { type: 'string', const: 'MANAGEMENT' },
      ...REPORT_HEAD,
      contracts: objectSchema(CONTRACT_FIGURES),
      signedPerMonth: { type: 'array', items: MONTH_FIGURE },
      next30Days: objectSchema({ events: integer, withoutSupport: integer }),
      supportWorkload: { type: 'array', items: objectSchema({ employeeId: integer, name: text, upcoming: integer, next30Days: integer }) },
      activeSupportCount: integer,
    }),
    objectSchema({
      role: { type: 'string', const: 'SALES' },
      ...REPORT_HEAD,
      pipeline: objectSchema({ ...CONTRACT_FIGURES, clients: integer }),
      signedPerMonth: { type: 'array', items: MONTH_FIGURE },
      upcomingEvents: { type: 'array', items: REPORT_EVENT },
      upcomingEventCount: integer,
    }),
    objectSchema({
      role: { type: 'string', const: 'SUPPORT' },
      ...REPORT_HEAD,
      thisWeek: { type: 'array', items: REPORT_EVENT },
      later: { type: 'array', items: REPORT_EVENT },
      upcomingEventCount: integer,
    }),
  ],
};

/** A page of a list: `nextCursor` is the `cursor` of the next page, null on the last one. */
export const pageSchema = (item: JsonSchema): JsonSchema =>
  objectSchema({ items: { type: 'array', items: item }, nextCursor: { ...integer, description: 'pass it as `cursor` for the next page; null on the last page' } }, ['nextCursor']);

/** A list that is not paged (the pickers' choices). */
export const itemsSchema = (item: JsonSchema): JsonSchema => objectSchema({ items: { type: 'array', items: item } });
