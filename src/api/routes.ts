/**
 * The HTTP contract of the API, as data: for every method of every noun of `Backend` (except the
 * session, which the auth routes serve), its HTTP method, path, success status, the JSON Schemas
 * of its request and response, and how the method's arguments map to path parameters, query
 * string and JSON body, both ways:
 * - `encode(...args)`: the request an HTTP client sends for a call (the CLI in server mode);
 * - `decode(request)`: the call a request stands for (the server). Values are checked by the
 *   domain's parsers (src/validation/), naming the wire's member as a field, so an error carries a
 *   JSON pointer; the schemas only fix the types and refuse unknown members.
 * - `respond(result)`: the JSON the server answers, made by the projections the CLI prints with
 *   `--json` (src/output/record-json.ts); `reviveJson(entry.schema.response, json)` turns it back
 *   into the method's result.
 * The catalog is complete by construction: a noun method without an entry does not compile.
 * Plain data and parsers only: the CLI loads it without the server, the ORM or a database driver.
 */
import {
  type AuditFilters,
  type Backend,
  type ClientFilters,
  type ContractFilters,
  type EmployeeFilters,
  type EventFilters,
  type ImportRejection,
  type ImportSummary,
  type PageRequest,
  type ScheduledEvent,
} from '../backend/backend';
import { type JsonValue, jsonValue } from '../output/json-values';
import { auditJson, clientJson, contractJson, employeeJson, eventJson, notificationJson, pageJson, reportJson, tenantJson } from '../output/record-json';
import { parseAttendees, parseEventLocation, parseEventName, parseEventNotes } from '../validation/event-fields';
import { type FieldLabel, parseAmount, parseDateTime, parseId, parseLimit, parseRole, parseText, parseTimeZone } from '../validation/parse';
import {
  AUDIT_ENTRY,
  CLIENT,
  CLIENT_CHOICE,
  CONTRACT,
  EMPLOYEE,
  EVENT,
  itemsSchema,
  type JsonSchema,
  NOTIFICATION,
  objectSchema,
  OWNED_RECORDS,
  pageSchema,
  REPORT,
  SUPPORT_CHOICE,
  TENANT_ACCOUNT,
} from './record-schemas';

export type { JsonSchema };

export type Noun = Exclude<keyof Backend, 'session'>;
export type MethodName<N extends Noun> = keyof Backend[N] & string;
type Signature<F> = F extends (...args: infer A) => Promise<infer R> ? { args: A; result: R } : never;
export type Arguments<N extends Noun, M extends MethodName<N>> = Signature<Backend[N][M]>['args'];
export type Result<N extends Noun, M extends MethodName<N>> = Signature<Backend[N][M]>['result'];

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A request as the wire carries it: path parameters, query parameters (absent ones left out), JSON body. */
export interface WireRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body?: Record<string, unknown>;
}

interface RouteBase {
  method: HttpMethod;
  /** OpenAPI style: `/v1/clients/{id}`. */
  path: string;
  status: 200 | 201;
  summary: string;
  description?: string;
  /** Served while the caller's tenant is out of service (trial ended, suspended, cancelled): it says why. */
  servesTenantOutOfService?: true;
}

export interface JsonRoute<N extends Noun, M extends MethodName<N>> extends RouteBase {
  schema: { params?: JsonSchema; querystring?: JsonSchema; body?: JsonSchema; response: JsonSchema };
  encode(...args: Arguments<N, M>): WireRequest;
  decode(request: WireRequest): Arguments<N, M>;
  respond(result: Result<N, M>): JsonValue;
}

/**
 * `clients.import`: the body is the CSV file itself (`text/csv`, streamed, up to `bodyLimitBytes`),
 * `skipInvalid` a query parameter. The answer (200) is one JSON document written as the file is
 * read: `{"batches": [{"lines", "rejected": [...]}, ...], "lines", "imported", "rejectedLines",
 * "refused"}`, each batch as soon as it is in the database (what `onRejected` and `onProgress`
 * receive). A refusal found before the first batch is done (a missing column, no permission) is a
 * problem document with its status as usual;
 * a failure after the document began ends it with `"error": <problem>` instead of the counts.
 */
export interface CsvImportRoute extends RouteBase {
  contentType: 'text/csv';
  bodyLimitBytes: number;
  schema: { querystring: JsonSchema; response: JsonSchema };
  encode(options: { skipInvalid: boolean }): Pick<WireRequest, 'query'>;
  decode(request: Pick<WireRequest, 'query'>): { skipInvalid: boolean };
}

export type RouteCatalog = {
  [N in Noun]: { [M in MethodName<N>]: N extends 'clients' ? (M extends 'import' ? CsvImportRoute : JsonRoute<N, M>) : JsonRoute<N, M> };
};

/** A CSV export of a list: the list's filters as query parameters, every page streamed as `text/csv`. */
export interface CsvExportRoute<F> {
  method: 'GET';
  path: string;
  summary: string;
  schema: { querystring: JsonSchema };
  encode(filters: F): Pick<WireRequest, 'query'>;
  decode(request: Pick<WireRequest, 'query'>): F;
}

export const CSV_UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024;

// --- schema pieces -------------------------------------------------------------------------

const integer = (description: string) => ({ type: 'integer', description });
const text = (description: string) => ({ type: 'string', description });
const flag = (description: string) => ({ type: 'boolean', description });
const dateTimeText = (description: string) => text(`${description}; ISO 8601, e.g. 2026-06-04T13:00:00Z (without an offset: the server's time zone)`);
const amountText = (description: string) => text(`${description}: digits with at most two decimals, e.g. "1500" or "1500.50"`);

const ID_PARAMS: JsonSchema = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: integer('the record\'s id') } };
const PAGE_QUERY = {
  limit: integer('at most this many items (1 to 500, default 50)'),
  cursor: integer('the `nextCursor` of the previous page'),
};

/** A query string: these members only (an unknown one is a 400), none required. */
const query = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', additionalProperties: false, properties });
/** A JSON body: these members only, `required` ones must be there. */
const body = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({ type: 'object', additionalProperties: false, required, properties });

// --- mapping helpers -----------------------------------------------------------------------

const field = (name: string): FieldLabel => ({ field: name });
const optional = <T>(value: unknown, parse: (value: unknown) => T): T | undefined => (value === undefined ? undefined : parse(value));
const idOf = (name: string) => (value: unknown) => parseId(value, field(name));
const dateOf = (name: string) => (value: unknown) => parseDateTime(value, field(name));
const amountOf = (name: string) => (value: unknown) => parseAmount(value, field(name));
const textOf = (name: string, max: number) => (value: unknown) => parseText(value, field(name), max);

/** Leaves out the members that are undefined (and `false` flags, which are the default), so a URL carries only what was asked. */
function present(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== false));
}

/** A body member as sent: a `Date` as its ISO string. */
const wire = (values: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]));

const pageQuery = (page: PageRequest) => present({ limit: page.limit, cursor: page.cursor });
const pageOf = (q: Record<string, unknown>): PageRequest => {
  const cursor = optional(q.cursor, idOf('cursor'));
  const limit = parseLimit(q.limit, field('limit'));
  return cursor === undefined ? { limit } : { limit, cursor };
};
const idParam = (id: number) => ({ id });
const idFrom = (request: WireRequest) => parseId(request.params.id, field('id'));

// --- filters, shared by each list and its CSV export ------------------------------------------

const EMPLOYEE_FILTERS = {
  role: text('MANAGEMENT, SALES or SUPPORT'),
  inactive: flag('deactivated employees instead of active ones'),
};
const employeeFilters = {
  encode: (f: EmployeeFilters) => present({ role: f.role, inactive: f.inactive }),
  decode: (q: Record<string, unknown>): EmployeeFilters => ({ role: optional(q.role, (v) => parseRole(String(v), field('role'))), inactive: q.inactive === true }),
};

const CLIENT_FILTERS = {
  mine: flag('SALES: only your clients'),
  salesContactId: integer('only the clients of this SALES employee'),
  search: text('a case-insensitive part of the full name, email or company name'),
};
const clientFilters = {
  encode: (f: ClientFilters) => present({ mine: f.mine, salesContactId: f.salesContactId, search: f.search }),
  decode: (q: Record<string, unknown>): ClientFilters => ({
    mine: q.mine === true,
    salesContactId: optional(q.salesContactId, idOf('salesContactId')),
    search: optional(q.search, String),
  }),
};

const CONTRACT_FILTERS = {
  mine: flag('SALES: only the contracts of your clients'),
  clientId: integer('only this client\'s contracts'),
  signed: flag('true: signed ones only; false: unsigned ones only'),
  unpaid: flag('only those with an amount due'),
  search: text('a case-insensitive part of the client\'s full name, email or company name'),
};
const contractFilters = {
  encode: (f: ContractFilters) => ({ ...present({ mine: f.mine, clientId: f.clientId, unpaid: f.unpaid, search: f.search }), ...(f.signed === undefined ? {} : { signed: f.signed }) }),
  decode: (q: Record<string, unknown>): ContractFilters => ({
    mine: q.mine === true,
    clientId: optional(q.clientId, idOf('clientId')),
    signed: typeof q.signed === 'boolean' ? q.signed : undefined,
    unpaid: q.unpaid === true,
    search: optional(q.search, String),
  }),
};

const EVENT_FILTERS = {
  mine: flag('SUPPORT: events assigned to you; SALES: events of your clients'),
  noSupport: flag('only events nobody supports yet'),
  supportId: integer('only events this SUPPORT employee supports'),
  clientId: integer('only this client\'s events'),
  contractId: integer('only this contract\'s events'),
  from: dateTimeText('events starting at or after this time'),
  to: dateTimeText('events starting before this time'),
  search: text('a case-insensitive part of the name, location, or the client\'s full name, email or company name'),
};
const eventFilters = {
  encode: (f: EventFilters) =>
    present({
      mine: f.mine,
      noSupport: f.noSupport,
      supportId: f.supportId,
      clientId: f.clientId,
      contractId: f.contractId,
      from: f.from?.toISOString(),
      to: f.to?.toISOString(),
      search: f.search,
    }),
  decode: (q: Record<string, unknown>): EventFilters => ({
    mine: q.mine === true,
    noSupport: q.noSupport === true,
    supportId: optional(q.supportId, idOf('supportId')),
    clientId: optional(q.clientId, idOf('clientId')),
    contractId: optional(q.contractId, idOf('contractId')),
    from: optional(q.from, dateOf('from')),
    to: optional(q.to, dateOf('to')),
    search: optional(q.search, String),
  }),
};

const AUDIT_FILTERS = {
  entityType: text('employee, client, contract or event'),
  entityId: integer('with entityType: one record'),
  actorId: integer('what this employee did'),
  action: text('e.g. contract.sign'),
  since: dateTimeText('entries at or after this time'),
};
const auditFilters = {
  encode: (f: AuditFilters) => present({ entityType: f.entityType, entityId: f.entityId, actorId: f.actorId, action: f.action, since: f.since?.toISOString() }),
  decode: (q: Record<string, unknown>): AuditFilters => ({
    entityType: optional(q.entityType, textOf('entityType', 40)),
    entityId: optional(q.entityId, idOf('entityId')),
    actorId: optional(q.actorId, idOf('actorId')),
    action: optional(q.action, textOf('action', 40)),
    since: optional(q.since, dateOf('since')),
  }),
};

// --- the catalog -----------------------------------------------------------------------------

const EMPLOYEE_WITH_PASSWORD = objectSchema({ employee: EMPLOYEE, oneTimePassword: text('shown this once; set when the server generated the password') }, ['oneTimePassword']);
const withPasswordJson = ({ employee, oneTimePassword }: { employee: Parameters<typeof employeeJson>[0]; oneTimePassword?: string }) => ({
  employee: employeeJson(employee),
  oneTimePassword: oneTimePassword ?? null,
});

export const ROUTES: RouteCatalog = {
  employees: {
    list: {
      method: 'GET',
      path: '/v1/employees',
      status: 200,
      summary: 'List employees (active ones unless `inactive`)',
      schema: { querystring: query({ ...EMPLOYEE_FILTERS, ...PAGE_QUERY }), response: pageSchema(EMPLOYEE) },
      encode: (filters, page) => ({ params: {}, query: { ...employeeFilters.encode(filters), ...pageQuery(page) } }),
      decode: ({ query: q }) => [employeeFilters.decode(q), pageOf(q)],
      respond: (page) => pageJson(page, employeeJson),
    },
    show: {
      method: 'GET',
      path: '/v1/employees/{id}',
      status: 200,
      summary: 'One employee',
      schema: { params: ID_PARAMS, response: EMPLOYEE },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: employeeJson,
    },
    create: {
      method: 'POST',
      path: '/v1/employees',
      status: 201,
      summary: 'Create an employee (MANAGEMENT)',
      description: 'Without `password`, a one-time password is generated and answered once; the employee must change it at first login.',
      schema: {
        body: body(
          {
            firstName: text('at most 100 characters'),
            lastName: text('at most 100 characters'),
            email: text('used to log in'),
            role: text('MANAGEMENT, SALES or SUPPORT'),
            phone: text('international or French national form'),
            password: text('at least 12 characters, not a common one'),
          },
          ['firstName', 'lastName', 'email', 'role'],
        ),
        response: EMPLOYEE_WITH_PASSWORD,
      },
      encode: (input) => ({ params: {}, query: {}, body: wire({ ...input }) }),
      decode: ({ body: b = {} }) => [
        { firstName: b.firstName as string, lastName: b.lastName as string, email: b.email as string, role: b.role as string, phone: b.phone as string | undefined, password: b.password as string | undefined },
      ],
      respond: withPasswordJson,
    },
    update: {
      method: 'PATCH',
      path: '/v1/employees/{id}',
      status: 200,
      summary: 'Change an employee (MANAGEMENT)',
      schema: {
        params: ID_PARAMS,
        body: body({
          firstName: text('at most 100 characters'),
          lastName: text('at most 100 characters'),
          email: text('used to log in'),
          phone: text('an empty string removes it'),
          role: text('MANAGEMENT, SALES or SUPPORT'),
          expectedVersion: integer('refuse (409) unless the employee is still at this version'),
        }),
        response: EMPLOYEE,
      },
      encode: (id, changes) => ({ params: idParam(id), query: {}, body: wire({ ...changes }) }),
      decode: (request) => {
        const b = request.body ?? {};
        return [
          idFrom(request),
          {
            firstName: b.firstName as string | undefined,
            lastName: b.lastName as string | undefined,
            email: b.email as string | undefined,
            phone: b.phone as string | undefined,
            role: b.role as string | undefined,
            expectedVersion: optional(b.expectedVersion, idOf('expectedVersion')),
          },
        ];
      },
      respond: employeeJson,
    },
    deactivate: {
      method: 'POST',
      path: '/v1/employees/{id}/deactivate',
      status: 200,
      summary: 'Deactivate an employee (MANAGEMENT): their logins end, their records stay',
      schema: { params: ID_PARAMS, response: objectSchema({ employee: EMPLOYEE, stillOwns: OWNED_RECORDS }) },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: ({ employee, stillOwns }) => ({ employee: employeeJson(employee), stillOwns: { ...stillOwns } }),
    },
    reactivate: {
      method: 'POST',
      path: '/v1/employees/{id}/reactivate',
      status: 200,
      summary: 'Reactivate an employee (MANAGEMENT)',
      schema: { params: ID_PARAMS, response: EMPLOYEE },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: employeeJson,
    },
    resetPassword: {
      method: 'POST',
      path: '/v1/employees/{id}/reset-password',
      status: 200,
      summary: 'Give an employee a new one-time password (MANAGEMENT); their logins end',
      schema: { params: ID_PARAMS, response: EMPLOYEE_WITH_PASSWORD },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: withPasswordJson,
    },
    delete: {
      method: 'DELETE',
      path: '/v1/employees/{id}',
      status: 200,
      summary: 'Delete an employee (MANAGEMENT), handing what they own to `reassignTo`',
      schema: {
        params: ID_PARAMS,
        querystring: query({ reassignTo: integer('an active employee of the same role who takes over their clients, contracts or events') }),
        response: objectSchema({ employee: EMPLOYEE, reassignedTo: EMPLOYEE, handedOver: OWNED_RECORDS }, ['reassignedTo']),
      },
      encode: (id, { reassignTo }) => ({ params: idParam(id), query: present({ reassignTo }) }),
      decode: (request) => [idFrom(request), { reassignTo: optional(request.query.reassignTo, idOf('reassignTo')) }],
      respond: ({ employee, reassignedTo, handedOver }) => ({
        employee: employeeJson(employee),
        reassignedTo: reassignedTo ? employeeJson(reassignedTo) : null,
        handedOver: { ...handedOver },
      }),
    },
  },

  clients: {
    list: {
      method: 'GET',
      path: '/v1/clients',
      status: 200,
      summary: 'List clients',
      schema: { querystring: query({ ...CLIENT_FILTERS, ...PAGE_QUERY }), response: pageSchema(CLIENT) },
      encode: (filters, page) => ({ params: {}, query: { ...clientFilters.encode(filters), ...pageQuery(page) } }),
      decode: ({ query: q }) => [clientFilters.decode(q), pageOf(q)],
      respond: (page) => pageJson(page, clientJson),
    },
    show: {
      method: 'GET',
      path: '/v1/clients/{id}',
      status: 200,
      summary: 'One client',
      schema: { params: ID_PARAMS, response: CLIENT },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: clientJson,
    },
    create: {
      method: 'POST',
      path: '/v1/clients',
      status: 201,
      summary: 'Create a client (SALES); it becomes yours',
      schema: {
        body: body(
          {
            fullName: text('at most 150 characters'),
            email: text('unique among clients, whatever the case'),
            phone: text('international or French national form; stored in E.164'),
            companyName: text('at most 150 characters'),
          },
          ['fullName', 'email', 'phone', 'companyName'],
        ),
        response: CLIENT,
      },
      encode: (input) => ({ params: {}, query: {}, body: wire({ ...input }) }),
      decode: ({ body: b = {} }) => [{ fullName: b.fullName as string, email: b.email as string, phone: b.phone as string, companyName: b.companyName as string }],
      respond: clientJson,
    },
    update: {
      method: 'PATCH',
      path: '/v1/clients/{id}',
      status: 200,
      summary: 'Change a client: its details (its SALES owner) or its owner (MANAGEMENT)',
      schema: {
        params: ID_PARAMS,
        body: body({
          fullName: text('at most 150 characters'),
          email: text('unique among clients'),
          phone: text('international or French national form'),
          companyName: text('at most 150 characters'),
          salesContactId: integer('MANAGEMENT: the new SALES owner'),
          expectedVersion: integer('refuse (409) unless the client is still at this version'),
        }),
        response: CLIENT,
      },
      encode: (id, changes) => ({ params: idParam(id), query: {}, body: wire({ ...changes }) }),
      decode: (request) => {
        const b = request.body ?? {};
        return [
          idFrom(request),
          {
            fullName: b.fullName as string | undefined,
            email: b.email as string | undefined,
            phone: b.phone as string | undefined,
            companyName: b.companyName as string | undefined,
            salesContactId: optional(b.salesContactId, idOf('salesContactId')),
            expectedVersion: optional(b.expectedVersion, idOf('expectedVersion')),
          },
        ];
      },
      respond: clientJson,
    },
    delete: {
      method: 'DELETE',
      path: '/v1/clients/{id}',
      status: 200,
      summary: 'Delete a client without contracts (MANAGEMENT); answers what was deleted',
      schema: { params: ID_PARAMS, response: CLIENT },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: clientJson,
    },
    import: {
      method: 'POST',
      path: '/v1/clients/import',
      status: 200,
      summary: 'Import clients from a CSV file (SALES); they become yours',
      description:
        'The body is the file (`Content-Type: text/csv`, at most 100 MiB): a header naming full_name, email, phone, company_name in any order, then one client per line. ' +
        'All or nothing unless `skipInvalid`. The answer is written as the file is read: each batch of lines as soon as it is in the database (the lines done so far, and its rejected lines), then the counts; `refused: true` means nothing was written.',
      contentType: 'text/csv',
      bodyLimitBytes: CSV_UPLOAD_LIMIT_BYTES,
      schema: {
        querystring: query({ skipInvalid: flag('import the valid lines and report the others, instead of refusing the file') }),
        response: {
          type: 'object',
          required: ['batches'],
          properties: {
            batches: {
              type: 'array',
              description: 'one per batch of lines (1000), written once the batch is in the database',
              items: objectSchema({
                lines: integer('data lines done so far, this batch included: the progress of the import'),
                rejected: {
                  type: 'array',
                  description: 'the problems of this batch, in line order',
                  items: objectSchema({ line: integer('line of the file'), field: text('the column at fault'), reason: text('what is wrong') }, ['field']),
                },
              }),
            },
            lines: integer('data lines read'),
            imported: integer('clients written; 0 when refused'),
            rejectedLines: integer('lines with at least one problem'),
            refused: flag('a rejected line made the whole import roll back: nothing was written'),
            error: { $ref: 'Problem#', description: 'instead of the counts, when the import failed after the answer began' },
          },
        },
      },
      encode: ({ skipInvalid }) => ({ query: present({ skipInvalid }) }),
      decode: ({ query: q }) => ({ skipInvalid: q.skipInvalid === true }),
    },
    recent: {
      method: 'GET',
      path: '/v1/clients/recent',
      status: 200,
      summary: 'The most recently updated clients, for a picker',
      schema: { response: itemsSchema(CLIENT_CHOICE) },
      encode: () => ({ params: {}, query: {} }),
      decode: () => [],
      respond: (choices) => ({ items: choices.map((choice) => ({ ...choice })) }),
    },
  },

  contracts: {
    list: {
      method: 'GET',
      path: '/v1/contracts',
      status: 200,
      summary: 'List contracts',
      schema: { querystring: query({ ...CONTRACT_FILTERS, ...PAGE_QUERY }), response: pageSchema(CONTRACT) },
      encode: (filters, page) => ({ params: {}, query: { ...contractFilters.encode(filters), ...pageQuery(page) } }),
      decode: ({ query: q }) => [contractFilters.decode(q), pageOf(q)],
      respond: (page) => pageJson(page, contractJson),
    },
    show: {
      method: 'GET',
      path: '/v1/contracts/{id}',
      status: 200,
      summary: 'One contract',
      schema: { params: ID_PARAMS, response: CONTRACT },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: contractJson,
    },
    create: {
      method: 'POST',
      path: '/v1/contracts',
      status: 201,
      summary: 'Write a contract for a client (MANAGEMENT)',
      schema: {
        body: body(
          {
            clientId: integer('the client'),
            totalAmount: amountText('the total'),
            amountDue: amountText('what is still to be paid (default: the total)'),
            signed: flag('signed at once'),
          },
          ['clientId', 'totalAmount'],
        ),
        response: CONTRACT,
      },
      encode: (input) => ({ params: {}, query: {}, body: wire({ ...input }) }),
      decode: ({ body: b = {} }) => [
        {
          clientId: parseId(b.clientId, field('clientId')),
          totalAmount: parseAmount(b.totalAmount, field('totalAmount')),
          amountDue: optional(b.amountDue, amountOf('amountDue')),
          signed: b.signed === true,
        },
      ],
      respond: contractJson,
    },
    update: {
      method: 'PATCH',
      path: '/v1/contracts/{id}',
      status: 200,
      summary: 'Change the total and/or the amount due',
      schema: {
        params: ID_PARAMS,
        body: body({
          totalAmount: amountText('the new total'),
          amountDue: amountText('the new amount due'),
          expectedVersion: integer('refuse (409) unless the contract is still at this version'),
        }),
        response: CONTRACT,
      },
      encode: (id, changes) => ({ params: idParam(id), query: {}, body: wire({ ...changes }) }),
      decode: (request) => {
        const b = request.body ?? {};
        return [
          idFrom(request),
          {
            totalAmount: optional(b.totalAmount, amountOf('totalAmount')),
            amountDue: optional(b.amountDue, amountOf('amountDue')),
            expectedVersion: optional(b.expectedVersion, idOf('expectedVersion')),
          },
        ];
      },
      respond: contractJson,
    },
    sign: {
      method: 'POST',
      path: '/v1/contracts/{id}/sign',
      status: 200,
      summary: 'Sign a contract; its sales contact is told',
      schema: { params: ID_PARAMS, response: CONTRACT },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: contractJson,
    },
    pay: {
      method: 'POST',
      path: '/v1/contracts/{id}/payments',
      status: 200,
      summary: 'Record a payment on a signed contract; answers the contract',
      description: 'The amount due never goes below zero: a payment larger than it is a 409, whatever runs in parallel.',
      schema: { params: ID_PARAMS, body: body({ amount: amountText('the amount paid, more than 0') }, ['amount']), response: CONTRACT },
      encode: (id, amount) => ({ params: idParam(id), query: {}, body: { amount } }),
      decode: (request) => [idFrom(request), parseAmount(request.body?.amount, field('amount'))],
      respond: contractJson,
    },
    delete: {
      method: 'DELETE',
      path: '/v1/contracts/{id}',
      status: 200,
      summary: 'Delete an unsigned contract without events (MANAGEMENT)',
      schema: { params: ID_PARAMS, response: CONTRACT },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: contractJson,
    },
  },

  events: {
    list: {
      method: 'GET',
      path: '/v1/events',
      status: 200,
      summary: 'List events',
      schema: { querystring: query({ ...EVENT_FILTERS, ...PAGE_QUERY }), response: pageSchema(EVENT) },
      encode: (filters, page) => ({ params: {}, query: { ...eventFilters.encode(filters), ...pageQuery(page) } }),
      decode: ({ query: q }) => [eventFilters.decode(q), pageOf(q)],
      respond: (page) => pageJson(page, eventJson),
    },
    show: {
      method: 'GET',
      path: '/v1/events/{id}',
      status: 200,
      summary: 'One event',
      schema: { params: ID_PARAMS, response: EVENT },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: eventJson,
    },
    create: {
      method: 'POST',
      path: '/v1/events',
      status: 201,
      summary: "Create an event for a signed contract of one of your clients (SALES); management is told it needs support",
      schema: {
        body: body(
          {
            contractId: integer('a signed contract of one of your clients'),
            name: text('at most 150 characters'),
            startAt: dateTimeText('the start'),
            endAt: dateTimeText('the end, after the start'),
            location: text('at most 300 characters'),
            attendees: integer('0 to 1000000'),
            notes: text('at most 5000 characters'),
          },
          ['contractId', 'name', 'startAt', 'endAt', 'location', 'attendees'],
        ),
        response: EVENT,
      },
      encode: (input) => ({ params: {}, query: {}, body: wire({ ...input }) }),
      decode: ({ body: b = {} }) => [
        {
          contractId: parseId(b.contractId, field('contractId')),
          name: parseEventName(b.name, field('name')),
          startAt: parseDateTime(b.startAt, field('startAt')),
          endAt: parseDateTime(b.endAt, field('endAt')),
          location: parseEventLocation(b.location, field('location')),
          attendees: parseAttendees(b.attendees, field('attendees')),
          notes: optional(b.notes, (v) => parseEventNotes(v, field('notes'))),
        },
      ],
      respond: eventJson,
    },
    update: {
      method: 'PATCH',
      path: '/v1/events/{id}',
      status: 200,
      summary: 'Change an event; MANAGEMENT assigns its support person',
      schema: {
        params: ID_PARAMS,
        body: body({
          name: text('at most 150 characters'),
          startAt: dateTimeText('the start'),
          endAt: dateTimeText('the end'),
          location: text('at most 300 characters'),
          attendees: integer('0 to 1000000'),
          notes: text('at most 5000 characters'),
          supportContactId: { type: ['integer', 'null'], description: 'an active SUPPORT employee, or null for nobody' },
          expectedVersion: integer('refuse (409) unless the event is still at this version'),
          allowOverlap: flag('let the support person be at another event at the same time'),
        }),
        response: EVENT,
      },
      encode: (id, changes) => ({ params: idParam(id), query: {}, body: wire({ ...changes, allowOverlap: changes.allowOverlap || undefined }) }),
      decode: (request) => {
        const b = request.body ?? {};
        return [
          idFrom(request),
          {
            name: optional(b.name, (v) => parseEventName(v, field('name'))),
            startAt: optional(b.startAt, dateOf('startAt')),
            endAt: optional(b.endAt, dateOf('endAt')),
            location: optional(b.location, (v) => parseEventLocation(v, field('location'))),
            attendees: optional(b.attendees, (v) => parseAttendees(v, field('attendees'))),
            notes: optional(b.notes, (v) => parseEventNotes(v, field('notes'))),
            supportContactId: b.supportContactId === null ? null : optional(b.supportContactId, idOf('supportContactId')),
            expectedVersion: optional(b.expectedVersion, idOf('expectedVersion')),
            allowOverlap: b.allowOverlap === true,
          },
        ];
      },
      respond: eventJson,
    },
    delete: {
      method: 'DELETE',
      path: '/v1/events/{id}',
      status: 200,
      summary: 'Delete an event (MANAGEMENT)',
      schema: { params: ID_PARAMS, response: EVENT },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: eventJson,
    },
    supportPeople: {
      method: 'GET',
      path: '/v1/events/support-people',
      status: 200,
      summary: 'Active SUPPORT employees, for a picker; with a time slot, each says which other event of theirs overlaps it',
      schema: {
        querystring: query({
          eventId: integer('the event being assigned (its own slot never counts as an overlap)'),
          startAt: dateTimeText('the slot\'s start'),
          endAt: dateTimeText('the slot\'s end'),
        }),
        response: itemsSchema(SUPPORT_CHOICE),
      },
      encode: (slot) => ({ params: {}, query: slot ? { eventId: slot.id, startAt: slot.startAt.toISOString(), endAt: slot.endAt.toISOString() } : {} }),
      decode: ({ query: q }) => [slotOf(q)],
      respond: (choices) => ({ items: choices.map((choice) => jsonValue(choice)) }),
    },
  },

  notifications: {
    list: {
      method: 'GET',
      path: '/v1/notifications',
      status: 200,
      summary: 'Your notifications, newest first',
      schema: { querystring: query({ unread: flag('only those not read yet'), ...PAGE_QUERY }), response: pageSchema(NOTIFICATION) },
      encode: ({ unreadOnly }, page) => ({ params: {}, query: { ...present({ unread: unreadOnly }), ...pageQuery(page) } }),
      decode: ({ query: q }) => [{ unreadOnly: q.unread === true }, pageOf(q)],
      respond: (page) => pageJson(page, notificationJson),
    },
    read: {
      method: 'POST',
      path: '/v1/notifications/{id}/read',
      status: 200,
      summary: 'Mark one of your notifications read',
      schema: { params: ID_PARAMS, response: NOTIFICATION },
      encode: (id) => ({ params: idParam(id), query: {} }),
      decode: (request) => [idFrom(request)],
      respond: notificationJson,
    },
    readAll: {
      method: 'POST',
      path: '/v1/notifications/read-all',
      status: 200,
      summary: 'Mark every unread notification of yours read; answers how many',
      schema: { response: objectSchema({ marked: integer('how many were marked read') }) },
      encode: () => ({ params: {}, query: {} }),
      decode: () => [],
      respond: (marked) => ({ marked }),
    },
  },

  audit: {
    list: {
      method: 'GET',
      path: '/v1/audit',
      status: 200,
      summary: 'The audit trail, newest first (MANAGEMENT); `cursor` continues with older entries',
      schema: { querystring: query({ ...AUDIT_FILTERS, ...PAGE_QUERY }), response: pageSchema(AUDIT_ENTRY) },
      encode: (filters, page) => ({ params: {}, query: { ...auditFilters.encode(filters), ...pageQuery(page) } }),
      decode: ({ query: q }) => [auditFilters.decode(q), pageOf(q)],
      respond: (page) => pageJson(page, auditJson),
    },
  },

  report: {
    build: {
      method: 'GET',
      path: '/v1/report',
      status: 200,
      summary: "The dashboard of the caller's role",
      description: 'Every figure comes from one consistent snapshot of the database.',
      schema: {
        querystring: query({ timeZone: text('where months and weeks begin, e.g. Europe/Paris (default UTC)'), now: dateTimeText('the moment the report is about (default: the server\'s clock)') }),
        response: REPORT,
      },
      encode: ({ now, timeZone }) => ({ params: {}, query: { timeZone, now: now.toISOString() } }),
      decode: ({ query: q }) => [{ now: optional(q.now, dateOf('now')) ?? new Date(), timeZone: q.timeZone === undefined ? 'UTC' : parseTimeZone(q.timeZone, field('timeZone')) }],
      respond: reportJson,
    },
  },

  tenant: {
    show: {
      method: 'GET',
      path: '/v1/tenant',
      status: 200,
      summary: "The caller's tenant: plan, status, the plan's limits and the usage of them",
      description: 'Any role, and while the tenant is out of service too (trial ended, suspended, cancelled), so its people can see why they are refused.',
      servesTenantOutOfService: true,
      schema: { response: TENANT_ACCOUNT },
      encode: () => ({ params: {}, query: {} }),
      decode: () => [],
      respond: tenantJson,
    },
  },
};

/** `supportPeople`'s slot: all three members or none. */
function slotOf(q: Record<string, unknown>): ScheduledEvent | undefined {
  if (q.eventId === undefined && q.startAt === undefined && q.endAt === undefined) return undefined;
  return { id: parseId(q.eventId, field('eventId')), name: '', startAt: parseDateTime(q.startAt, field('startAt')), endAt: parseDateTime(q.endAt, field('endAt')) };
}

/** The CSV exports of the lists that have one; the columns are those of `export --csv` (src/csv/export-columns.ts). */
export const CSV_EXPORTS = {
  clients: csvExport('/v1/clients/export', 'Every client matching the filters, as CSV', CLIENT_FILTERS, clientFilters),
  contracts: csvExport('/v1/contracts/export', 'Every contract matching the filters, as CSV', CONTRACT_FILTERS, contractFilters),
  events: csvExport('/v1/events/export', 'Every event matching the filters, as CSV', EVENT_FILTERS, eventFilters),
};

function csvExport<F>(
  path: string,
  summary: string,
  filters: Record<string, JsonSchema>,
  mapping: { encode: (filters: F) => Record<string, unknown>; decode: (query: Record<string, unknown>) => F },
): CsvExportRoute<F> {
  return {
    method: 'GET',
    path,
    summary,
    schema: { querystring: query(filters) },
    encode: (f) => ({ query: mapping.encode(f) }),
    decode: ({ query: q }) => mapping.decode(q),
  };
}

/** The import's rejections and counts as the answer carries them. */
export type ImportReportJson = { rejected: ImportRejection[] } & Partial<ImportSummary>;

/**
 * A response's JSON turned back into the method's result, led by the route's response schema:
 * `format: date-time` strings become dates, and a null member that the schema does not require
 * becomes absent (undefined), as the record types have it.
 */
export function reviveJson(schema: JsonSchema, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(schema.oneOf)) {
    const variant = (schema.oneOf as JsonSchema[]).find((candidate) => matchesConstants(candidate, value));
    return variant ? reviveJson(variant, value) : value;
  }
  if (schema.format === 'date-time' && typeof value === 'string') return new Date(value);
  if (Array.isArray(value)) return schema.items ? value.map((item) => reviveJson(schema.items as JsonSchema, item)) : value;
  if (typeof value === 'object' && schema.properties) {
    const properties = schema.properties as Record<string, JsonSchema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const revived: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
      if (member === null && !required.has(key)) continue;
      revived[key] = properties[key] ? reviveJson(properties[key], member) : member;
    }
    return revived;
  }
  return value;
}

function matchesConstants(schema: JsonSchema, value: unknown): boolean {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).every(([key, member]) => member.const === undefined || (value as Record<string, unknown>)[key] === member.const);
}

/** Every JSON route of the catalog, with its noun and method, for whoever registers or calls them all. */
export function catalogEntries(): { noun: Noun; method: string; route: JsonRoute<Noun, never> | CsvImportRoute }[] {
  return (Object.keys(ROUTES) as Noun[]).flatMap((noun) =>
    Object.entries(ROUTES[noun] as Record<string, JsonRoute<Noun, never> | CsvImportRoute>).map(([method, route]) => ({ noun, method, route })),
  );
}
