import { type Actor } from '../../src/auth/actor';
import { type Database } from '../../src/database/database';
import { type Role } from '../../src/entities/employee.entity';

/**
 * Test records inserted with plain SQL (no service, no audit entry), so a test states exactly the
 * starting data it needs. Works with a TestDatabase (`.query`) or an opened Database (`queryable`).
 */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown[]>;
}

/**
 * The password behind FACTORY_PASSWORD_HASH, precomputed. Fixture accounts only: argon2id with
 * cheap parameters (m=1024, t=1, p=1). A verification reads its parameters from the hash, so
 * every login of a fixture costs a few milliseconds instead of the production hash's 50-80, and
 * the suites log fixtures in hundreds of times. Hashes the application makes (init, employee
 * create, password change) still use ARGON2_OPTIONS.
 */
export const FACTORY_PASSWORD = 'Factory-Password-2026';
export const FACTORY_PASSWORD_HASH = '$argon2id$v=19$m=1024,p=1,t=1$o2s8KC0aaro2sLfQskwW/w$EN6gx7tLlpke6NVq0GCakuGuwU3YK3mO65GAMZC+zzk';

let sequence = 0;
const next = () => `${process.pid}-${++sequence}`;

/** SQL through an opened Database (in-process service tests; PGlite allows one opener per folder). */
export function queryable(db: Database): Queryable {
  return { query: (sql, params) => db.dataSource.query(sql, params) };
}

export interface EmployeeRow {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  role: Role;
  isActive: boolean;
  mustChangePassword: boolean;
}

export interface EmployeeOverrides {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string | null;
  role?: Role;
  isActive?: boolean;
  mustChangePassword?: boolean;
  passwordHash?: string;
}

export async function insertEmployee(db: Queryable, overrides: EmployeeOverrides = {}): Promise<EmployeeRow> {
  const n = next();
  const row: Omit<EmployeeRow, 'id'> = {
    firstName: overrides.firstName ?? 'Test',
    lastName: overrides.lastName ?? `Employee${n}`,
    email: overrides.email ?? `employee-${n}@epic.events`,
    phone: overrides.phone === undefined ? null : overrides.phone,
    role: overrides.role ?? 'SALES',
    isActive: overrides.isActive ?? true,
    mustChangePassword: overrides.mustChangePassword ?? false,
  };
  const [{ id }] = (await db.query(
    `INSERT INTO employees (first_name, last_name, email, phone, role, is_active, must_change_password, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [row.firstName, row.lastName, row.email, row.phone, row.role, row.isActive, row.mustChangePassword, overrides.passwordHash ?? FACTORY_PASSWORD_HASH],
  )) as { id: number }[];
  return { id: Number(id), ...row };
}

/** The Actor a service receives for this employee (what requireActor would return). */
export function actorFor(employee: EmployeeRow): Actor {
  return {
    id: employee.id,
    role: employee.role,
    email: employee.email,
    firstName: employee.firstName,
    lastName: employee.lastName,
    mustChangePassword: employee.mustChangePassword,
  };
}

export interface ClientRow {
  id: number;
  fullName: string;
  email: string;
  phone: string;
  companyName: string;
  salesContactId: number;
}

export async function insertClient(
  db: Queryable,
  overrides: Partial<Omit<ClientRow, 'id'>> & { salesContactId: number },
): Promise<ClientRow> {
  const n = next();
  const row: Omit<ClientRow, 'id'> = {
    fullName: overrides.fullName ?? `Client ${n}`,
    email: overrides.email ?? `client-${n}@example.com`,
    phone: overrides.phone ?? '+33612345678',
    companyName: overrides.companyName ?? `Company ${n}`,
    salesContactId: overrides.salesContactId,
  };
  const [{ id }] = (await db.query(
    `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [row.fullName, row.email, row.phone, row.companyName, row.salesContactId],
  )) as { id: number }[];
  return { id: Number(id), ...row };
}

export interface ContractRow {
  id: number;
  clientId: number;
  salesContactId: number;
  totalAmount: string;
  amountDue: string;
  isSigned: boolean;
}

export async function insertContract(
  db: Queryable,
  overrides: { clientId: number; salesContactId: number; totalAmount?: string; amountDue?: string; isSigned?: boolean },
): Promise<ContractRow> {
  const row: Omit<ContractRow, 'id'> = {
    clientId: overrides.clientId,
    salesContactId: overrides.salesContactId,
    totalAmount: overrides.totalAmount ?? '1000.00',
    amountDue: overrides.amountDue ?? overrides.totalAmount ?? '1000.00',
    isSigned: overrides.isSigned ?? false,
  };
  const [{ id }] = (await db.query(
    `INSERT INTO contracts (client_id, sales_contact_id, total_amount, amount_due, is_signed, signed_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 THEN now() END) RETURNING id`,
    [row.clientId, row.salesContactId, row.totalAmount, row.amountDue, row.isSigned],
  )) as { id: number }[];
  return { id: Number(id), ...row };
}

export interface EventRow {
  id: number;
  contractId: number;
  name: string;
  startAt: Date;
  endAt: Date;
  supportContactId: number | null;
  location: string;
  attendees: number;
  notes: string;
}

/** The contract must be signed (the database refuses events of unsigned contracts). */
export async function insertEvent(
  db: Queryable,
  overrides: Partial<Omit<EventRow, 'id'>> & { contractId: number },
): Promise<EventRow> {
  const n = next();
  // Each on a day of its own: one support person may be given any number of them without a
  // scheduling conflict, unless a test sets the times.
  const startAt = overrides.startAt ?? new Date(Date.parse('2030-06-04T13:00:00Z') + sequence * 86_400_000);
  const row: Omit<EventRow, 'id'> = {
    contractId: overrides.contractId,
    name: overrides.name ?? `Event ${n}`,
    startAt,
    endAt: overrides.endAt ?? new Date(startAt.getTime() + 6 * 3600_000),
    supportContactId: overrides.supportContactId ?? null,
    location: overrides.location ?? '53 Rue du Château, 41120 Candé-sur-Beuvron',
    attendees: overrides.attendees ?? 75,
    notes: overrides.notes ?? '',
  };
  const [{ id }] = (await db.query(
    `INSERT INTO events (contract_id, name, start_at, end_at, support_contact_id, location, attendees, notes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [row.contractId, row.name, row.startAt, row.endAt, row.supportContactId, row.location, row.attendees, row.notes],
  )) as { id: number }[];
  return { id: Number(id), ...row };
}
