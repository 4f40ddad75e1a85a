import { Client } from 'pg';
import { translateDatabaseError } from '../../src/database/database-errors';
import { TENANT_USER_ROLE } from '../../src/database/roles-sql';
import { LAST_MANAGER_SQLSTATE } from '../../src/database/tenant-scope';
import { LAST_MANAGER_HINT, lastManagerMessage } from '../../src/domain/roles';
import { CliError, exitCodeFor, httpStatusFor } from '../../src/errors/cli-error';
import { createTestDatabase, DEFAULT_TENANT_ID, serverUrl, type TestDatabase } from '../support/test-database';

/**
 * Every invariant the migration states, checked by writing a bad row with raw SQL: the database
 * must refuse it on its own, with the SQLSTATE and the constraint a service would translate.
 */

type Row = Record<string, unknown>;

const ARGON2_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA';

let db: TestDatabase;
let sequence = 0;
const next = () => ++sequence;

async function insert(table: string, row: Row): Promise<number> {
  const columns = Object.keys(row);
  const rows = await db.query<{ id: number | string }>(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    columns.map((c) => row[c]),
  );
  return Number(rows[0].id); // audit_log ids are bigint, which the driver returns as text
}

const employeeRow = (overrides: Row = {}): Row => ({
  first_name: 'Bill',
  last_name: 'Boquet',
  email: `employee${next()}@epic.events`,
  phone: '+33612345678',
  role: 'SALES',
  password_hash: ARGON2_HASH,
  ...overrides,
});
const clientRow = (salesContactId: number, overrides: Row = {}): Row => ({
  full_name: 'Kevin Casey',
  email: `client${next()}@startup.io`,
  phone: '+67812345678',
  company_name: 'Cool Startup LLC',
  sales_contact_id: salesContactId,
  ...overrides,
});
const contractRow = (clientId: number, salesContactId: number, overrides: Row = {}): Row => ({
  client_id: clientId,
  sales_contact_id: salesContactId,
  total_amount: '1500.00',
  amount_due: '500.00',
  ...overrides,
});
const signedContractRow = (clientId: number, salesContactId: number, overrides: Row = {}): Row =>
  contractRow(clientId, salesContactId, { is_signed: true, signed_at: '2026-01-10T10:00:00Z', ...overrides });
const eventRow = (contractId: number, overrides: Row = {}): Row => ({
  contract_id: contractId,
  name: 'John Quick Wedding',
  start_at: '2026-06-04T13:00:00+02:00',
  end_at: '2026-06-05T02:00:00+02:00',
  location: '53 Rue du Château, 41120 Candé-sur-Beuvron, France',
  attendees: 75,
  ...overrides,
});

interface DatabaseErrorShape {
  code?: string;
  constraint?: string;
  message?: string;
}

/** Runs `write` and returns the database error it must raise. */
async function refusal(write: () => Promise<unknown>): Promise<DatabaseErrorShape> {
  try {
    await write();
  } catch (error) {
    return error as DatabaseErrorShape;
  }
  throw new Error('the database accepted a write it must refuse');
}

let tenantNumber = 0;

/** A tenant row with `overrides`; a new valid slug otherwise. */
/** A platform operator (a fresh email each time), with `overrides` on its columns. */
async function insertOperator(overrides: Row = {}): Promise<{ id: number; email: string }> {
  const row: Row = { email: `ops${next()}@platform.example`, password_hash: ARGON2_HASH, ...overrides };
  const columns = Object.keys(row);
  const [inserted] = await db.query<{ id: number; email: string }>(
    `INSERT INTO platform_operators (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id::int AS id, email`,
    Object.values(row),
  );
  return inserted;
}

function insertPlatformSession(operatorId: number, expiresAt = "now() + interval '8 hours'"): Promise<unknown> {
  return db.query(`INSERT INTO platform_sessions (id, operator_id, expires_at) VALUES (gen_random_uuid(), $1, ${expiresAt})`, [operatorId]);
}

function insertPlatformAudit(overrides: Row): Promise<unknown> {
  const row: Row = { action: 'tenant.suspend', ...overrides };
  const columns = Object.keys(row);
  return db.query(`INSERT INTO platform_audit_log (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
}

function insertTenant(overrides: Row): Promise<unknown> {
  const row: Row = { slug: `tenant-${process.pid}-${++tenantNumber}`, name: 'Acme', plan: 'STARTER', status: 'TRIAL', ...overrides };
  const columns = Object.keys(row);
  return db.query(`INSERT INTO tenants (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, columns.map((c) => row[c]));
}

/** A new tenant in TRIAL taken through `statuses`, in one transaction that is rolled back whatever happens. */
async function lifecycle(statuses: string[]): Promise<void> {
  await db.query('BEGIN');
  try {
    const [{ id }] = await db.query<{ id: string }>(`INSERT INTO tenants (slug, name, plan, status) VALUES ($1, 'Acme', 'STARTER', 'TRIAL') RETURNING id`, [
      `lifecycle-${process.pid}-${++tenantNumber}`,
    ]);
    for (const status of statuses) await db.query('UPDATE tenants SET status = $1 WHERE id = $2', [status, id]);
  } finally {
    await db.query('ROLLBACK');
  }
}

/**
 * Moves a row of `table` to a tenant that does not exist, with every other foreign key from or to
 * the table out of the way (dropped inside a transaction that is rolled back), so that the error is the
 * tenant's foreign key's own.
 */
async function withoutTenantForeignKeysButOne(table: string): Promise<void> {
  await db.query('BEGIN');
  try {
    const others = await db.query<{ name: string; owner: string }>(
      `SELECT conname AS name, conrelid::regclass::text AS owner FROM pg_constraint
        WHERE (conrelid = $1::regclass OR confrelid = $1::regclass) AND contype = 'f' AND conname <> $2`,
      [table, `${table}_tenant_id_fkey`],
    );
    for (const { name, owner } of others) await db.query(`ALTER TABLE ${owner} DROP CONSTRAINT ${name}`);
    // A trigger of the audit trail refuses UPDATE: a new entry there; a row moved elsewhere.
    if (table === 'audit_log') await db.query(`INSERT INTO audit_log (tenant_id, action, entity_type) VALUES (999999, 'create', 'client')`);
    else await db.query(`UPDATE ${table} SET tenant_id = 999999 WHERE ctid = (SELECT min(ctid) FROM ${table})`);
  } finally {
    await db.query('ROLLBACK');
  }
}

const fixture = { sales: 0, support: 0, client: 0, unsignedContract: 0, signedContract: 0, event: 0 };

beforeAll(async () => {
  db = await createTestDatabase();
  fixture.sales = await insert('employees', employeeRow({ email: 'bill@epic.events' }));
  fixture.support = await insert('employees', employeeRow({ first_name: 'Kate', last_name: 'Hastings', role: 'SUPPORT' }));
  fixture.client = await insert('clients', clientRow(fixture.sales, { email: 'kevin@startup.io' }));
  fixture.unsignedContract = await insert('contracts', contractRow(fixture.client, fixture.sales));
  fixture.signedContract = await insert('contracts', signedContractRow(fixture.client, fixture.sales));
  fixture.event = await insert('events', eventRow(fixture.signedContract, { support_contact_id: fixture.support }));
});

afterAll(async () => {
  await db?.close();
});

interface Case {
  name: string;
  /** The SQLSTATE, or the ones that PostgreSQL versions use for the same refusal. */
  sqlstate: string | string[];
  /** The constraint the error names (absent for triggers and type errors). */
  constraint?: string;
  message?: RegExp;
  /** Constraints this case proves too, when they cannot fail on their own. */
  alsoCovers?: string[];
  write: () => Promise<unknown>;
}

const CHECK = '23514';
const UNIQUE = '23505';
const FOREIGN_KEY = '23503';
/** ON DELETE RESTRICT: foreign_key_violation up to PostgreSQL 17, restrict_violation after. */
const RESTRICTED = ['23503', '23001'];
const NOT_NULL = '23502';

const CASES: Case[] = [
  // employees
  { name: 'a blank employee first name', sqlstate: CHECK, constraint: 'employees_first_name_check', write: () => insert('employees', employeeRow({ first_name: '   ' })) },
  { name: 'a blank employee last name', sqlstate: CHECK, constraint: 'employees_last_name_check', write: () => insert('employees', employeeRow({ last_name: '' })) },
  { name: 'an employee email without @', sqlstate: CHECK, constraint: 'employees_email_check', write: () => insert('employees', employeeRow({ email: 'bill.epic.events' })) },
  { name: 'an employee email starting with @', sqlstate: CHECK, constraint: 'employees_email_check', write: () => insert('employees', employeeRow({ email: '@epic.events' })) },
  { name: 'an employee phone not in E.164', sqlstate: CHECK, constraint: 'employees_phone_check', write: () => insert('employees', employeeRow({ phone: '06 12 34 56 78' })) },
  { name: 'an employee phone with a leading zero country code', sqlstate: CHECK, constraint: 'employees_phone_check', write: () => insert('employees', employeeRow({ phone: '+0612345678' })) },
  { name: 'an unknown role', sqlstate: CHECK, constraint: 'employees_role_check', write: () => insert('employees', employeeRow({ role: 'ADMIN' })) },
  { name: 'a role in lower case', sqlstate: CHECK, constraint: 'employees_role_check', write: () => insert('employees', employeeRow({ role: 'sales' })) },
  { name: 'a plain-text password', sqlstate: CHECK, constraint: 'employees_password_hash_check', write: () => insert('employees', employeeRow({ password_hash: 'hunter2hunter2' })) },
  { name: 'a bcrypt password hash', sqlstate: CHECK, constraint: 'employees_password_hash_check', write: () => insert('employees', employeeRow({ password_hash: '$2b$12$abcdefghijklmnopqrstuv' })) },
  { name: 'a negative failed-login count', sqlstate: CHECK, constraint: 'employees_failed_login_count_check', write: () => insert('employees', employeeRow({ failed_login_count: -1 })) },
  { name: 'an employee version of zero', sqlstate: CHECK, constraint: 'employees_version_check', write: () => insert('employees', employeeRow({ version: 0 })) },
  { name: 'an employee email differing only in case', sqlstate: UNIQUE, constraint: 'employees_email_lower_key', write: () => insert('employees', employeeRow({ email: 'BILL@Epic.Events' })) },
  { name: 'an employee without an email', sqlstate: NOT_NULL, write: () => insert('employees', employeeRow({ email: null })) },
  // clients
  { name: 'a blank client name', sqlstate: CHECK, constraint: 'clients_full_name_check', write: () => insert('clients', clientRow(fixture.sales, { full_name: ' ' })) },
  { name: 'a client email without @', sqlstate: CHECK, constraint: 'clients_email_check', write: () => insert('clients', clientRow(fixture.sales, { email: 'kevin' })) },
  { name: 'a client phone not in E.164', sqlstate: CHECK, constraint: 'clients_phone_check', write: () => insert('clients', clientRow(fixture.sales, { phone: '+678 123 456 78' })) },
  { name: 'a client without a phone', sqlstate: NOT_NULL, write: () => insert('clients', clientRow(fixture.sales, { phone: null })) },
  { name: 'a blank company name', sqlstate: CHECK, constraint: 'clients_company_name_check', write: () => insert('clients', clientRow(fixture.sales, { company_name: '' })) },
  { name: 'a client version of zero', sqlstate: CHECK, constraint: 'clients_version_check', write: () => insert('clients', clientRow(fixture.sales, { version: 0 })) },
  { name: 'a client email differing only in case', sqlstate: UNIQUE, constraint: 'clients_email_lower_key', write: () => insert('clients', clientRow(fixture.sales, { email: 'Kevin@StartUp.IO' })) },
  { name: 'a client owned by nobody who exists', sqlstate: FOREIGN_KEY, constraint: 'clients_sales_contact_id_fkey', write: () => insert('clients', clientRow(999999)) },
  {
    name: 'a client moved to an owner who does not exist',
    sqlstate: FOREIGN_KEY,
    constraint: 'clients_sales_contact_id_fkey',
    write: () => db.query('UPDATE clients SET sales_contact_id = 999999 WHERE id = $1', [fixture.client]),
  },
  // contracts
  // total_amount >= 0 follows from 0 <= amount_due <= total_amount, and PostgreSQL checks CHECK
  // constraints in name order, so a negative total is always reported as "within total".
  {
    name: 'a negative total amount',
    sqlstate: CHECK,
    constraint: 'contracts_amount_due_within_total',
    alsoCovers: ['contracts_total_amount_check'],
    write: () => insert('contracts', contractRow(fixture.client, fixture.sales, { total_amount: '-1.00', amount_due: '0' })),
  },
  { name: 'a negative amount due', sqlstate: CHECK, constraint: 'contracts_amount_due_check', write: () => insert('contracts', contractRow(fixture.client, fixture.sales, { amount_due: '-0.01' })) },
  { name: 'an amount due greater than the total', sqlstate: CHECK, constraint: 'contracts_amount_due_within_total', write: () => insert('contracts', contractRow(fixture.client, fixture.sales, { total_amount: '100.00', amount_due: '100.01' })) },
  {
    name: 'a payment that leaves more due than the total',
    sqlstate: CHECK,
    constraint: 'contracts_amount_due_within_total',
    write: () => db.query('UPDATE contracts SET amount_due = total_amount + 1 WHERE id = $1', [fixture.unsignedContract]),
  },
  { name: 'a signed contract without a signature time', sqlstate: CHECK, constraint: 'contracts_signed_at_matches', write: () => insert('contracts', contractRow(fixture.client, fixture.sales, { is_signed: true })) },
  { name: 'an unsigned contract with a signature time', sqlstate: CHECK, constraint: 'contracts_signed_at_matches', write: () => insert('contracts', contractRow(fixture.client, fixture.sales, { signed_at: '2026-01-10T10:00:00Z' })) },
  { name: 'a contract version of zero', sqlstate: CHECK, constraint: 'contracts_version_check', write: () => insert('contracts', contractRow(fixture.client, fixture.sales, { version: 0 })) },
  { name: 'a contract for a client who does not exist', sqlstate: FOREIGN_KEY, constraint: 'contracts_client_id_fkey', write: () => insert('contracts', contractRow(999999, fixture.sales)) },
  { name: 'a contract whose sales contact does not exist', sqlstate: FOREIGN_KEY, constraint: 'contracts_sales_contact_id_fkey', write: () => insert('contracts', contractRow(fixture.client, 999999)) },
  { name: 'an amount beyond numeric(12,2)', sqlstate: '22003', write: () => insert('contracts', contractRow(fixture.client, fixture.sales, { total_amount: '10000000000.00' })) },
  {
    name: 'unsigning a signed contract',
    sqlstate: CHECK,
    message: /is signed and cannot be unsigned/,
    write: () => db.query('UPDATE contracts SET is_signed = false, signed_at = NULL WHERE id = $1', [fixture.signedContract]),
  },
  // events
  { name: 'an event ending when it starts', sqlstate: CHECK, constraint: 'events_end_after_start', write: () => insert('events', eventRow(fixture.signedContract, { end_at: '2026-06-04T13:00:00+02:00' })) },
  { name: 'an event ending before it starts', sqlstate: CHECK, constraint: 'events_end_after_start', write: () => insert('events', eventRow(fixture.signedContract, { end_at: '2026-06-03T13:00:00+02:00' })) },
  { name: 'an event starting before 1900', sqlstate: CHECK, constraint: 'events_dates_in_range', write: () => insert('events', eventRow(fixture.signedContract, { start_at: '1899-12-31T23:00:00Z' })) },
  { name: 'an event ending in the year 10000', sqlstate: CHECK, constraint: 'events_dates_in_range', write: () => insert('events', eventRow(fixture.signedContract, { end_at: '10000-01-01T00:00:00Z' })) },
  { name: 'a negative number of attendees', sqlstate: CHECK, constraint: 'events_attendees_check', write: () => insert('events', eventRow(fixture.signedContract, { attendees: -1 })) },
  { name: 'a blank event name', sqlstate: CHECK, constraint: 'events_name_check', write: () => insert('events', eventRow(fixture.signedContract, { name: '  ' })) },
  { name: 'a blank location', sqlstate: CHECK, constraint: 'events_location_check', write: () => insert('events', eventRow(fixture.signedContract, { location: '' })) },
  { name: 'an event version of zero', sqlstate: CHECK, constraint: 'events_version_check', write: () => insert('events', eventRow(fixture.signedContract, { version: 0 })) },
  { name: 'an event supported by nobody who exists', sqlstate: FOREIGN_KEY, constraint: 'events_support_contact_id_fkey', write: () => insert('events', eventRow(fixture.signedContract, { support_contact_id: 999999 })) },
  { name: 'an event for an unsigned contract', sqlstate: CHECK, message: /contract \d+ is not signed/, write: () => insert('events', eventRow(fixture.unsignedContract)) },
  // The trigger runs before the foreign key: a missing contract is "not signed" too.
  { name: 'an event for a contract that does not exist', sqlstate: CHECK, message: /contract 999999 is not signed/, write: () => insert('events', eventRow(999999)) },
  {
    name: 'an event moved to an unsigned contract',
    sqlstate: CHECK,
    message: /is not signed/,
    write: () => db.query('UPDATE events SET contract_id = $1 WHERE id = $2', [fixture.unsignedContract, fixture.event]),
  },
  {
    name: 'a contract deleted while it has events',
    sqlstate: RESTRICTED,
    constraint: 'events_contract_id_fkey',
    write: () => db.query('DELETE FROM contracts WHERE id = $1', [fixture.signedContract]),
  },
  // sessions and notifications
  { name: 'a session family for nobody who exists', sqlstate: FOREIGN_KEY, constraint: 'session_families_employee_id_fkey', write: () => db.query('INSERT INTO session_families (id, employee_id) VALUES (gen_random_uuid(), 999999)') },
  {
    name: 'a refresh token in a family that does not exist',
    sqlstate: FOREIGN_KEY,
    constraint: 'refresh_tokens_family_id_fkey',
    write: () => db.query(`INSERT INTO refresh_tokens (id, family_id, token_hash, expires_at) VALUES (gen_random_uuid(), gen_random_uuid(), repeat('f', 64), now())`),
  },
  {
    name: 'a refresh token hash stored twice',
    sqlstate: UNIQUE,
    constraint: 'refresh_tokens_token_hash_key',
    write: async () => {
      const [family] = await db.query<{ id: string }>('INSERT INTO session_families (id, employee_id) VALUES (gen_random_uuid(), $1) RETURNING id', [fixture.sales]);
      const token = `INSERT INTO refresh_tokens (id, family_id, token_hash, expires_at) VALUES (gen_random_uuid(), $1, repeat('a', 64), now() + interval '7 days')`;
      await db.query(token, [family.id]);
      await db.query(token, [family.id]);
    },
  },
  { name: 'a notification for nobody who exists', sqlstate: FOREIGN_KEY, constraint: 'notifications_recipient_id_fkey', write: () => insert('notifications', { recipient_id: 999999, kind: 'event_assigned', message: 'hello' }) },
  {
    name: 'a second "event upcoming" reminder for the same event and person',
    sqlstate: UNIQUE,
    constraint: 'notifications_once_per_event_key',
    write: async () => {
      const reminder = { recipient_id: fixture.support, kind: 'event_upcoming', message: 'tomorrow', entity_type: 'event', entity_id: fixture.event };
      await insert('notifications', reminder);
      await insert('notifications', reminder);
    },
  },
  // tenants and plans
  ...(['employees', 'clients', 'contracts', 'events', 'session_families', 'refresh_tokens', 'notifications', 'audit_log'] as const).map(
    (table): Case => ({
      name: `a row of ${table} in a tenant that does not exist`,
      sqlstate: FOREIGN_KEY,
      constraint: `${table}_tenant_id_fkey`,
      // The table's other foreign keys would refuse it too: deferred to the end of a transaction,
      // this one is checked first only when alone. A copy of an existing row moved to tenant 999999.
      write: () => withoutTenantForeignKeysButOne(table),
    }),
  ),
  { name: 'a tenant with a slug of the wrong shape', sqlstate: CHECK, constraint: 'tenants_slug_check', write: () => insertTenant({ slug: 'Acme Corp' }) },
  { name: 'a tenant with a slug longer than 40', sqlstate: CHECK, constraint: 'tenants_slug_check', write: () => insertTenant({ slug: 'a'.repeat(41) }) },
  { name: 'a second tenant with the same slug', sqlstate: UNIQUE, constraint: 'tenants_slug_key', write: () => insertTenant({ slug: 'default' }) },
  { name: 'a tenant with a blank name', sqlstate: CHECK, constraint: 'tenants_name_check', write: () => insertTenant({ name: ' ' }) },
  { name: 'a tenant on a plan that does not exist', sqlstate: FOREIGN_KEY, constraint: 'tenants_plan_fkey', write: () => insertTenant({ plan: 'GOLD' }) },
  { name: 'a tenant of an unknown status', sqlstate: CHECK, constraint: 'tenants_status_check', write: () => insertTenant({ status: 'PAUSED' }) },
  { name: 'a cancelled tenant brought back', sqlstate: CHECK, message: /cannot go from CANCELLED to ACTIVE/, write: () => lifecycle(['CANCELLED', 'ACTIVE']) },
  { name: 'a trial suspended', sqlstate: CHECK, message: /cannot go from TRIAL to SUSPENDED/, write: () => lifecycle(['SUSPENDED']) },
  { name: 'an active tenant back on trial', sqlstate: CHECK, message: /cannot go from ACTIVE to TRIAL/, write: () => lifecycle(['ACTIVE', 'TRIAL']) },
  { name: 'a plan with a code of the wrong shape', sqlstate: CHECK, constraint: 'plans_code_check', write: () => db.query(`INSERT INTO plans (code, modules) VALUES ('gold', '{crm}')`) },
  { name: 'a plan limiting employees to none', sqlstate: CHECK, constraint: 'plans_max_active_employees_check', write: () => db.query(`INSERT INTO plans (code, max_active_employees, modules) VALUES ('TINY', 0, '{crm}')`) },
  { name: 'a plan limiting clients to none', sqlstate: CHECK, constraint: 'plans_max_clients_check', write: () => db.query(`INSERT INTO plans (code, max_clients, modules) VALUES ('TINY', 0, '{crm}')`) },
  // the plans' usage counters (kept by triggers; these rows are written behind their back)
  {
    name: 'a usage row of a tenant that does not exist',
    sqlstate: FOREIGN_KEY,
    constraint: 'tenant_usage_tenant_id_fkey',
    write: () => db.query('INSERT INTO tenant_usage (tenant_id, active_employees, clients) VALUES (999999, 0, 0)'),
  },
  { name: 'a negative count of active employees', sqlstate: CHECK, constraint: 'tenant_usage_active_employees_check', write: () => db.query('UPDATE tenant_usage SET active_employees = -1') },
  { name: 'a negative count of clients', sqlstate: CHECK, constraint: 'tenant_usage_clients_check', write: () => db.query('UPDATE tenant_usage SET clients = -1') },
  // the platform operator's accounts, logins and audit trail (of no tenant)
  { name: 'an operator with a malformed email', sqlstate: CHECK, constraint: 'platform_operators_email_check', write: () => insertOperator({ email: 'ops-at-example' }) },
  { name: 'a second operator with the same email in other case', sqlstate: UNIQUE, constraint: 'platform_operators_email_key', write: async () => insertOperator({ email: (await insertOperator()).email.toUpperCase() }) },
  { name: 'an operator with a blank name', sqlstate: CHECK, constraint: 'platform_operators_name_check', write: () => insertOperator({ name: ' ' }) },
  { name: 'an operator whose password is not an argon2id hash', sqlstate: CHECK, constraint: 'platform_operators_password_hash_check', write: () => insertOperator({ password_hash: 'secret' }) },
  { name: 'a platform login of nobody who exists', sqlstate: FOREIGN_KEY, constraint: 'platform_sessions_operator_id_fkey', write: () => insertPlatformSession(999999) },
  {
    name: 'a platform login that expires before it starts',
    sqlstate: CHECK,
    constraint: 'platform_sessions_check',
    write: async () => insertPlatformSession((await insertOperator()).id, "now() - interval '1 minute'"),
  },
  { name: 'a platform audit entry of nobody who exists', sqlstate: FOREIGN_KEY, constraint: 'platform_audit_log_operator_id_fkey', write: () => insertPlatformAudit({ operator_id: 999999 }) },
  { name: 'a platform audit entry with a malformed action', sqlstate: CHECK, constraint: 'platform_audit_log_action_check', write: async () => insertPlatformAudit({ operator_id: (await insertOperator()).id, action: 'Suspend Tenant' }) },
  { name: 'a platform audit entry whose details are not an object', sqlstate: CHECK, constraint: 'platform_audit_log_details_check', write: async () => insertPlatformAudit({ operator_id: (await insertOperator()).id, details: '[]' }) },
  {
    name: 'a platform audit entry about a tenant that does not exist',
    sqlstate: FOREIGN_KEY,
    constraint: 'platform_audit_log_target_tenant_id_fkey',
    write: async () => insertPlatformAudit({ operator_id: (await insertOperator()).id, target_tenant_id: 999999 }),
  },
  // audit trail
  { name: 'an audit entry with a blank action', sqlstate: CHECK, constraint: 'audit_log_action_check', write: () => insert('audit_log', { action: ' ', entity_type: 'client' }) },
  { name: 'an audit entry about an unknown kind of record', sqlstate: CHECK, constraint: 'audit_log_entity_type_check', write: () => insert('audit_log', { action: 'create', entity_type: 'invoice' }) },
];

describe('database constraints', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('should refuse %s with the right SQLSTATE when it is written with raw SQL', async (_name, c) => {
    const error = await refusal(c.write);
    expect([c.sqlstate].flat()).toContain(error.code);
    expect(error.constraint ?? undefined).toBe(c.constraint);
    if (c.message) expect(error.message).toMatch(c.message);
  });

  it('should exercise every CHECK, UNIQUE and FOREIGN KEY constraint and unique index of the schema when the cases above run', async () => {
    const declared = await db.query<{ name: string }>(`
      SELECT conname AS name FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'u', 'f')
      UNION
      SELECT indexname FROM pg_indexes i
       WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`);
    const exercised = new Set(CASES.flatMap((c) => [c.constraint, ...(c.alsoCovers ?? [])]).filter(Boolean));
    expect(declared.map((d) => d.name).filter((name) => !exercised.has(name)).sort()).toEqual([]);
  });

  it('should accept the same email for a client and an employee when they are different kinds of record', async () => {
    await expect(insert('clients', clientRow(fixture.sales, { email: 'bill@epic.events' }))).resolves.toEqual(expect.any(Number));
  });

  it('should accept an amount due equal to the total and zero when both are at the bounds', async () => {
    await expect(insert('contracts', contractRow(fixture.client, fixture.sales, { total_amount: '0', amount_due: '0' }))).resolves.toEqual(expect.any(Number));
    await expect(insert('contracts', contractRow(fixture.client, fixture.sales, { total_amount: '9999999999.99', amount_due: '9999999999.99' }))).resolves.toEqual(
      expect.any(Number),
    );
  });

  it('should let a signed contract be paid and updated when it stays signed', async () => {
    await db.query('UPDATE contracts SET amount_due = 0, version = version + 1 WHERE id = $1', [fixture.signedContract]);
    const [row] = await db.query<{ amount_due: string; is_signed: boolean }>('SELECT amount_due, is_signed FROM contracts WHERE id = $1', [fixture.signedContract]);
    expect(row).toEqual({ amount_due: '0.00', is_signed: true });
  });

  it('should let an unsigned contract be signed when the signature time is set with it', async () => {
    const id = await insert('contracts', contractRow(fixture.client, fixture.sales));
    await db.query('UPDATE contracts SET is_signed = true, signed_at = now() WHERE id = $1', [id]);
    await expect(insert('events', eventRow(id))).resolves.toEqual(expect.any(Number));
  });

  it('should accept an event with zero attendees and no support person when both are allowed', async () => {
    await expect(insert('events', eventRow(fixture.signedContract, { attendees: 0, support_contact_id: null }))).resolves.toEqual(expect.any(Number));
  });
});

function expectRestricted(error: DatabaseErrorShape, constraint: string): void {
  expect(RESTRICTED).toContain(error.code);
  expect(error.constraint).toBe(constraint);
}

describe('foreign keys on delete', () => {
  it('should declare RESTRICT for business records and CASCADE for sessions, notifications and usage counters when the schema is migrated', async () => {
    const rows = await db.query<{ name: string; on_delete: string }>(
      `SELECT conname AS name, confdeltype AS on_delete FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype = 'f' ORDER BY conname`,
    );
    const tenantKeys = ['audit_log', 'clients', 'contracts', 'employees', 'events', 'notifications', 'refresh_tokens', 'session_families'].map((t) => [`${t}_tenant_id_fkey`, 'r']);
    expect(Object.fromEntries(rows.map((r) => [r.name, r.on_delete]))).toEqual({
      ...Object.fromEntries(tenantKeys),
      tenants_plan_fkey: 'r',
      clients_sales_contact_id_fkey: 'r',
      contracts_client_id_fkey: 'r',
      contracts_sales_contact_id_fkey: 'r',
      events_contract_id_fkey: 'r',
      events_support_contact_id_fkey: 'r',
      notifications_recipient_id_fkey: 'c',
      refresh_tokens_family_id_fkey: 'c',
      session_families_employee_id_fkey: 'c',
      // A tenant's counters go with it.
      tenant_usage_tenant_id_fkey: 'c',
      // The platform operator's logins go with the account; its audit trail keeps the account and the tenants it names.
      platform_sessions_operator_id_fkey: 'c',
      platform_audit_log_operator_id_fkey: 'r',
      platform_audit_log_target_tenant_id_fkey: 'r',
    });
  });

  it('should refuse to delete an employee when they still own a client', async () => {
    const owner = await insert('employees', employeeRow());
    await insert('clients', clientRow(owner));
    const error = await refusal(() => db.query('DELETE FROM employees WHERE id = $1', [owner]));
    expectRestricted(error, 'clients_sales_contact_id_fkey');
  });

  it('should refuse to delete an employee when they are still the sales contact of a contract', async () => {
    const contact = await insert('employees', employeeRow());
    await insert('contracts', contractRow(fixture.client, contact));
    const error = await refusal(() => db.query('DELETE FROM employees WHERE id = $1', [contact]));
    expectRestricted(error, 'contracts_sales_contact_id_fkey');
  });

  it('should refuse to delete an employee when they still support an event', async () => {
    const support = await insert('employees', employeeRow({ role: 'SUPPORT' }));
    await insert('events', eventRow(fixture.signedContract, { support_contact_id: support }));
    const error = await refusal(() => db.query('DELETE FROM employees WHERE id = $1', [support]));
    expectRestricted(error, 'events_support_contact_id_fkey');
  });

  it('should refuse to delete a client when it still has contracts', async () => {
    const client = await insert('clients', clientRow(fixture.sales));
    await insert('contracts', contractRow(client, fixture.sales));
    const error = await refusal(() => db.query('DELETE FROM clients WHERE id = $1', [client]));
    expectRestricted(error, 'contracts_client_id_fkey');
  });

  it('should delete sessions, refresh tokens and notifications but keep the audit trail when an employee is deleted', async () => {
    const employee = await insert('employees', employeeRow());
    const [family] = await db.query<{ id: string }>('INSERT INTO session_families (id, employee_id) VALUES (gen_random_uuid(), $1) RETURNING id', [employee]);
    await db.query(`INSERT INTO refresh_tokens (id, family_id, token_hash, expires_at) VALUES (gen_random_uuid(), $1, md5(random()::text) || md5(random()::text), now())`, [family.id]);
    await insert('notifications', { recipient_id: employee, kind: 'event_assigned', message: 'you support an event' });
    await insert('audit_log', { actor_id: employee, actor_label: 'Bill Boquet', action: 'login', entity_type: 'session', entity_id: employee });

    await db.query('DELETE FROM employees WHERE id = $1', [employee]);

    const [left] = await db.query<{ families: number; tokens: number; notifications: number; audit: number }>(
      `SELECT (SELECT count(*)::int FROM session_families WHERE employee_id = $1) AS families,
              (SELECT count(*)::int FROM refresh_tokens WHERE family_id = $2) AS tokens,
              (SELECT count(*)::int FROM notifications WHERE recipient_id = $1) AS notifications,
              (SELECT count(*)::int FROM audit_log WHERE actor_id = $1) AS audit`,
      [employee, family.id],
    );
    expect(left).toEqual({ families: 0, tokens: 0, notifications: 0, audit: 1 });
  });

  it('should delete the refresh tokens of a family when the family is deleted', async () => {
    const [family] = await db.query<{ id: string }>('INSERT INTO session_families (id, employee_id) VALUES (gen_random_uuid(), $1) RETURNING id', [fixture.sales]);
    await db.query(`INSERT INTO refresh_tokens (id, family_id, token_hash, expires_at) VALUES (gen_random_uuid(), $1, repeat('b', 64), now())`, [family.id]);
    await db.query('DELETE FROM session_families WHERE id = $1', [family.id]);
    expect(await db.query('SELECT 1 FROM refresh_tokens WHERE family_id = $1', [family.id])).toEqual([]);
  });
});

describe('audit trail', () => {
  let entry = 0;
  beforeAll(async () => {
    entry = await insert('audit_log', { actor_id: fixture.sales, actor_label: 'Bill Boquet', action: 'create', entity_type: 'client', entity_id: fixture.client, changes: { fullName: [null, 'Kevin Casey'] } });
  });

  it('should accept an entry about a record or actor that does not exist when history outlives it', async () => {
    await expect(insert('audit_log', { actor_id: 999999, action: 'delete', entity_type: 'client', entity_id: 999999 })).resolves.toEqual(expect.any(Number));
  });

  it.each([
    ['UPDATE', () => db.query(`UPDATE audit_log SET action = 'forged' WHERE id = $1`, [entry])],
    ['DELETE', () => db.query('DELETE FROM audit_log WHERE id = $1', [entry])],
    ['TRUNCATE', () => db.query('TRUNCATE audit_log')],
  ])('should refuse %s with insufficient_privilege when someone tries to rewrite history', async (operation, write) => {
    const error = await refusal(write);
    expect(error.code).toBe('42501');
    expect(error.message).toContain(`audit_log is append-only: ${operation} is not allowed`);
    const [row] = await db.query<{ action: string }>('SELECT action FROM audit_log WHERE id = $1', [entry]);
    expect(row).toEqual({ action: 'create' });
  });
});

/**
 * A tenant that has employees keeps an active manager (migration LastActiveManager): the
 * employees' triggers refuse, with SQLSTATE ET003 and the employee service's sentence, a write
 * that goes around the service. Each case in a tenant of its own, its rows written with their
 * tenant_id by the superuser (whose statements row security does not hold); the tenant role's own
 * statements and the parallel ones need connections of their own: server only.
 */
describe('the last active manager of a tenant', () => {
  let tenants = 0;

  async function newTenant(): Promise<number> {
    const [{ id }] = await db.query<{ id: number }>(`INSERT INTO tenants (slug, name, plan, status) VALUES ($1, 'Managed', 'ENTERPRISE', 'ACTIVE') RETURNING id::int AS id`, [
      `managers-${process.pid}-${++tenants}`,
    ]);
    return id;
  }

  /** Employees of `tenant`, one per role given; their ids in that order. */
  async function staff(tenant: number, roles: string[]): Promise<number[]> {
    const ids: number[] = [];
    for (const role of roles) ids.push(await insert('employees', employeeRow({ tenant_id: tenant, role })));
    return ids;
  }

  /** The tenant's employees as `id role active|inactive`, for a before/after comparison. */
  async function roster(tenant: number): Promise<string[]> {
    const rows = await db.query<{ line: string }>(`SELECT concat_ws(' ', id, role, CASE WHEN is_active THEN 'active' ELSE 'inactive' END) AS line FROM employees WHERE tenant_id = $1 ORDER BY id`, [tenant]);
    return rows.map((r) => r.line);
  }

  it.each([
    ['deactivated', (id: number) => db.query('UPDATE employees SET is_active = false WHERE id = $1', [id])],
    ['moved out of MANAGEMENT', (id: number) => db.query(`UPDATE employees SET role = 'SALES' WHERE id = $1`, [id])],
    ['deleted', (id: number) => db.query('DELETE FROM employees WHERE id = $1', [id])],
  ] as const)('should refuse with ET003 and the service\'s sentence when the last active manager is %s by raw SQL, and change nothing', async (removal, write) => {
    const tenant = await newTenant();
    const [last] = await staff(tenant, ['MANAGEMENT', 'SALES']);
    const before = await roster(tenant);
    const error = (await refusal(() => write(last))) as DatabaseErrorShape & { hint?: string };
    expect(error.code).toBe(LAST_MANAGER_SQLSTATE);
    expect(error.message).toBe(lastManagerMessage(last, removal));
    expect(error.hint).toBe(LAST_MANAGER_HINT);
    expect(await roster(tenant)).toEqual(before);
  });

  it('should be translated to the conflict the service raises: exit 6, HTTP 409, its sentence and hint', async () => {
    const tenant = await newTenant();
    const [last] = await staff(tenant, ['MANAGEMENT']);
    const translated = translateDatabaseError(await refusal(() => db.query('UPDATE employees SET is_active = false WHERE id = $1', [last])), db.url);
    expect(translated).toBeInstanceOf(CliError);
    const error = translated as CliError;
    expect({ code: error.code, message: error.message, hint: error.hint }).toEqual({ code: 'conflict', message: lastManagerMessage(last, 'deactivated'), hint: LAST_MANAGER_HINT });
    expect([exitCodeFor(error.code), httpStatusFor(error.code)]).toEqual([6, 409]);
  });

  it('should accept the removal of a manager while another stays, and a swap of managers in one statement', async () => {
    const tenant = await newTenant();
    const [a, b, c] = await staff(tenant, ['MANAGEMENT', 'MANAGEMENT', 'SALES']);
    await db.query('UPDATE employees SET is_active = false WHERE id = $1', [a]);
    // The row triggers run once the statement is done: they see the new manager as well.
    await db.query(`UPDATE employees SET role = CASE id WHEN $1::int THEN 'SALES' ELSE 'MANAGEMENT' END WHERE id IN ($1, $2)`, [b, c]);
    expect(await roster(tenant)).toEqual([`${a} MANAGEMENT inactive`, `${b} SALES active`, `${c} MANAGEMENT active`]);
    await expect(db.query('DELETE FROM employees WHERE id = $1', [b])).resolves.toBeDefined();
  });

  it('should refuse a statement that removes every manager at once, and leave a tenant that never had an active one alone', async () => {
    const tenant = await newTenant();
    const [a, b, sales] = await staff(tenant, ['MANAGEMENT', 'MANAGEMENT', 'SALES']);
    const error = await refusal(() => db.query(`UPDATE employees SET is_active = false WHERE tenant_id = $1 AND role = 'MANAGEMENT'`, [tenant]));
    expect(error.code).toBe(LAST_MANAGER_SQLSTATE);
    expect(await roster(tenant)).toEqual([`${a} MANAGEMENT active`, `${b} MANAGEMENT active`, `${sales} SALES active`]);
    // The file's own tenant has no manager: its employees change as they please (the cases above).
    const other = await newTenant();
    const [lone] = await staff(other, ['SALES']);
    await expect(db.query('UPDATE employees SET is_active = false WHERE id = $1', [lone])).resolves.toBeDefined();
  });

  it('should let a whole tenant be emptied of its employees in one statement, then cancelled', async () => {
    const tenant = await newTenant();
    await staff(tenant, ['MANAGEMENT', 'MANAGEMENT', 'SALES', 'SUPPORT']);
    await db.query('DELETE FROM employees WHERE tenant_id = $1', [tenant]);
    expect(await roster(tenant)).toEqual([]);
    await db.query(`UPDATE tenants SET status = 'CANCELLED' WHERE id = $1`, [tenant]);
    const [usage] = await db.query<{ active_employees: number }>('SELECT active_employees FROM tenant_usage WHERE tenant_id = $1', [tenant]);
    expect(usage).toEqual({ active_employees: 0 });
  });

  it("should count the changed row's tenant, not the session's, when a superuser's statement set another tenant", async () => {
    const tenant = await newTenant();
    const [last] = await staff(tenant, ['MANAGEMENT', 'SALES']);
    // The superuser's session is in the tenant `default` (DEFAULT_TENANT_ID), which has no manager of this tenant.
    const [{ setting }] = await db.query<{ setting: string }>(`SELECT current_setting('app.tenant_id') AS setting`);
    expect(Number(setting)).toBe(DEFAULT_TENANT_ID);
    expect((await refusal(() => db.query('DELETE FROM employees WHERE id = $1', [last]))).code).toBe(LAST_MANAGER_SQLSTATE);
  });

  (serverUrl() ? describe : describe.skip)('as the tenant role, on connections of their own', () => {
    const connections: Client[] = [];

    /** A connection as the role the application runs as (held to row security), with no tenant set for the session. */
    async function tenantRoleConnection(): Promise<Client> {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      await client.query(`SET ROLE ${TENANT_USER_ROLE}`);
      connections.push(client);
      return client;
    }

    /** A transaction of `tenant` at `isolation`, its tenant set for the transaction only (as behind a transaction pooler). */
    async function begin(client: Client, tenant: number, isolation = 'READ COMMITTED'): Promise<void> {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(tenant)]);
    }

    /** Resolves once the backend of `client` waits for a lock. */
    async function blocked(pid: number): Promise<void> {
      for (;;) {
        const [row] = await db.query<{ waiting: boolean }>(`SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1`, [pid]);
        if (row?.waiting) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    afterAll(async () => {
      await Promise.all(connections.map((client) => client.end()));
    });

    it('should refuse a direct UPDATE of the last manager by the tenant role with ET003, and accept it while another manager stays', async () => {
      const tenant = await newTenant();
      const [a, b] = await staff(tenant, ['MANAGEMENT', 'MANAGEMENT']);
      const app = await tenantRoleConnection();
      await begin(app, tenant);
      await app.query('UPDATE employees SET is_active = false WHERE id = $1', [a]);
      const error = await refusal(() => app.query(`UPDATE employees SET role = 'SUPPORT' WHERE id = $1`, [b]));
      await app.query('ROLLBACK');
      expect({ code: error.code, message: error.message }).toEqual({ code: LAST_MANAGER_SQLSTATE, message: lastManagerMessage(b, 'moved out of MANAGEMENT') });
      expect(await roster(tenant)).toEqual([`${a} MANAGEMENT active`, `${b} MANAGEMENT active`]);
    });

    it.each([
      ['READ COMMITTED', LAST_MANAGER_SQLSTATE],
      ['REPEATABLE READ', '40001'],
    ])('should leave one manager when the last two are deactivated in parallel at %s: the second waits, then is refused (%s)', async (isolation, refused) => {
      const tenant = await newTenant();
      const [a, b] = await staff(tenant, ['MANAGEMENT', 'MANAGEMENT', 'SALES']);
      const [first, second] = [await tenantRoleConnection(), await tenantRoleConnection()];
      await begin(first, tenant, isolation);
      await begin(second, tenant, isolation);
      // Both transactions have their snapshot before either writes (REPEATABLE READ takes it at the first statement).
      await first.query('SELECT count(*) FROM employees');
      await second.query('SELECT count(*) FROM employees');
      await first.query('UPDATE employees SET is_active = false WHERE id = $1', [a]);
      const [{ pid }] = (await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      const secondWrite = second.query('UPDATE employees SET is_active = false WHERE id = $1', [b]).then(
        () => undefined,
        (error: DatabaseErrorShape) => error,
      );
      await blocked(pid);
      await first.query('COMMIT');
      const error = await secondWrite;
      await second.query('ROLLBACK');
      expect(error?.code).toBe(refused);
      const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM employees WHERE tenant_id = $1 AND role = 'MANAGEMENT' AND is_active`, [tenant]);
      expect(n).toBe(1);
    });
  });
});
