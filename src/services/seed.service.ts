import { type EntityManager } from 'typeorm';
import { type Actor } from '../auth/actor';
import { assertActorCurrent } from '../auth/current-actor';
import { hashPassword } from '../auth/passwords';
import { type SqlRunner } from '../database/sql-runner';
import { asConnectedRole } from '../database/tenant-scope';
import { type Role } from '../entities/employee.entity';
import { conflict, unauthenticated } from '../errors/cli-error';
import { assertAllowed } from '../permissions/assert-allowed';
import {
  address,
  asciiSlug,
  CITIES,
  company,
  DemoRandom,
  EVENT_KINDS,
  eventNotes,
  FIRST_NAMES,
  LAST_NAMES,
  mobilePhone,
} from './demo-data';

/** The password of every demo account. Demo data only: never seed a production database. */
export const DEMO_PASSWORD = 'demo-password-2026';
/** Clients, contracts and events of the data set `db seed --demo` writes without `--scale`. */
export const DEFAULT_DEMO_SCALE = 40;
export const MAX_DEMO_SCALE = 10_000_000;
/** Rows per INSERT: large enough to amortise a round trip, small enough to keep memory flat. */
const BATCH_ROWS = 10_000;
const DAY_MS = 86_400_000;

export type SeedPhase = 'employees' | 'clients' | 'contracts' | 'events' | 'indexes' | 'analyze';

export interface SeedProgress {
  phase: SeedPhase;
  /** Rows written so far, all tables together. */
  done: number;
  total: number;
}

export interface SeedOptions {
  /** About this many clients, contracts and events (at least the reference examples: 0 gives only them). */
  scale: number;
  onProgress?: (progress: SeedProgress) => void;
  /** "Now" for the dates of the data set (tests). */
  now?: Date;
  /**
   * Refreshes the statistics of the tables written: `Database.vacuumAnalyze` from the command, which
   * runs it as the role that connected (the tenant role owns no table, so VACUUM through `db` skips them).
   */
  vacuumAnalyze?: (tables: readonly string[]) => Promise<void>;
}

const SEEDED_TABLES = ['employees', 'clients', 'contracts', 'events'] as const;
/** The tables with trigram (GIN) indexes, for `--search`. */
const SEARCHED_TABLES = ['clients', 'events'] as const;

export interface DemoAccount {
  id: number;
  email: string;
  role: Role;
  isActive: boolean;
}

export interface SeedSummary {
  employees: number;
  clients: number;
  contracts: number;
  events: number;
  accounts: DemoAccount[];
  password: string;
  seconds: number;
}

interface DemoEmployee {
  firstName: string;
  lastName: string;
  role: Role;
  isActive: boolean;
  phone: string | null;
}

/** The people of the reference examples come first, so they are easy to find. */
const NAMED_EMPLOYEES: DemoEmployee[] = [
  { firstName: 'Claire', lastName: 'Fontaine', role: 'MANAGEMENT', isActive: true, phone: '+33612345601' },
  { firstName: 'Bill', lastName: 'Boquet', role: 'SALES', isActive: true, phone: '+33612345602' },
  { firstName: 'Kate', lastName: 'Hastings', role: 'SUPPORT', isActive: true, phone: '+33612345603' },
];

/** Who may seed: MANAGEMENT, or anyone while the database has no employee (a fresh install). */
export async function hasEmployees(db: SqlRunner): Promise<boolean> {
  const rows: { found: boolean }[] = await db.query('SELECT EXISTS (SELECT 1 FROM employees) AS found');
  return Boolean(rows[0]?.found);
}

/**
 * Writes the demo data set: a few dozen employees in the three roles, about `scale` clients,
 * contracts (signed or not, paid or not) and events (past and future, some without support),
 * the reference examples among them. Rows go in batches of multi-row INSERTs fed by unnest() arrays,
 * all in one transaction, so an interrupted seed leaves nothing behind. Ids are reserved from the
 * tables' own sequences first, so contracts and events can point at rows of the same batch run
 * without reading anything back. A seed that at least doubles clients or events builds their
 * trigram indexes after loading them (`deferTrigramIndexes`). Demo data is not audited: it is not
 * anybody's business action.
 */
export async function seedDemo(db: SqlRunner, actor: Actor | null, options: SeedOptions): Promise<SeedSummary> {
  if (actor) assertAllowed(actor, 'employee.create');
  const started = Date.now();
  const now = (options.now ?? new Date()).getTime();
  const random = new DemoRandom(0x5eed ^ options.scale);
  const people = demoEmployees(random, options.scale);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  // The reference examples are always there: two clients, two contracts (one signed), the wedding.
  const rows = Math.max(options.scale, 2);
  const plan = { clients: rows, contracts: rows, events: rows };
  const total = people.length + plan.clients + plan.contracts + plan.events;
  let done = 0;
  const progress = (phase: SeedPhase, rows: number) => {
    done += rows;
    options.onProgress?.({ phase, done, total });
  };

  const summary = await db.transaction(async (manager) => {
    // Not audited, so the author is re-checked here rather than by recordAudit.
    if (actor) await assertActorCurrent(manager, actor);
    if (!actor) {
      // The same lock as `init`: nobody can create the first account while the seed creates its own.
      await manager.query('LOCK TABLE employees IN SHARE ROW EXCLUSIVE MODE');
      const [{ count }]: { count: string | number }[] = await manager.query('SELECT count(*) AS count FROM employees');
      if (Number(count) > 0) throw unauthenticated('this database already has employees', 'log in as MANAGEMENT to seed it');
    }
    // A million rows take minutes, longer than the application role's statement limit (db roles).
    await manager.query(`SET LOCAL statement_timeout = 0`);
    const deferred = await deferTrigramIndexes(manager, { clients: plan.clients, events: plan.events });
    const accounts = await insertEmployees(manager, people, passwordHash);
    progress('employees', accounts.length);
    const sales = accounts.filter((a) => a.role === 'SALES' && a.isActive).map((a) => a.id);
    const support = accounts.filter((a) => a.role === 'SUPPORT').map((a) => ({ id: a.id, active: a.isActive }));

    const clients = await insertClients(manager, random, plan.clients, sales, now, (rows) => progress('clients', rows));
    const signed = await insertContracts(manager, random, clients, plan.contracts, now, (rows) => progress('contracts', rows));
    const events = await insertEvents(manager, random, clients, signed, plan.events, support, now, (rows) => progress('events', rows));
    if (deferred.length > 0) {
      progress('indexes', 0);
      await asConnectedRole(manager, async () => {
        for (const definition of deferred) await manager.query(definition);
      });
    }
    return { accounts, clients: clients.ids.length, contracts: signed.contracts, events };
  });

  options.onProgress?.({ phase: 'analyze', done, total });
  // Fresh statistics, so the next command is planned for the new row counts; VACUUM also sets the
  // visibility map, so the first reads do not pay for it.
  if (options.vacuumAnalyze) await options.vacuumAnalyze(SEEDED_TABLES);
  else await db.query(`VACUUM (ANALYZE) ${SEEDED_TABLES.join(', ')}`);
  return {
    employees: summary.accounts.length,
    clients: summary.clients,
    contracts: summary.contracts,
    events: summary.events,
    accounts: summary.accounts,
    password: DEMO_PASSWORD,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Drops the GIN (trigram) indexes of the searched tables this seed will at least double, and
 * returns their definitions, for the seed to create them again once its rows are in, in the same
 * transaction: if it fails, the DROP is rolled back with the rows. Filled row by row, a GIN index
 * first takes new entries into a pending list, whose pages are left empty in the index after each
 * merge (a seed that raised the list to 32 MB left every trigram index 32 MB larger, 8 times its
 * size at 100 000 rows); built at once, it is as compact as after a REINDEX, and loading without
 * it is faster. Only the connected role can, when it owns the table (the tenant role owns no
 * index; the application role of `db roles` neither: its seed fills them row by row). The table
 * stays locked until the seed commits, so a table that holds more rows than the seed adds (other
 * tenants', say: `reltuples`, kept by VACUUM and ANALYZE) keeps its indexes, not to rebuild them
 * for a few rows while everyone else waits.
 */
async function deferTrigramIndexes(manager: EntityManager, rows: Record<(typeof SEARCHED_TABLES)[number], number>): Promise<string[]> {
  return asConnectedRole(manager, async () => {
    const indexes: { drop: string; definition: string }[] = await manager.query(
      `SELECT format('DROP INDEX %I.%I', n.nspname, i.relname) AS drop, pg_get_indexdef(i.oid) AS definition
         FROM unnest($1::text[], $2::float8[]) AS s(name, rows)
         JOIN pg_class t ON t.oid = to_regclass(s.name)
         JOIN pg_index x ON x.indrelid = t.oid
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_am am ON am.oid = i.relam
         JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE am.amname = 'gin' AND t.reltuples <= s.rows AND pg_has_role(t.relowner, 'USAGE')
        ORDER BY t.relname, i.relname`,
      [SEARCHED_TABLES, SEARCHED_TABLES.map((table) => rows[table])],
    );
    for (const index of indexes) await manager.query(index.drop);
    return indexes.map((index) => index.definition);
  });
}

/** A few dozen employees for a large data set, about ten for the small demo; one of each role inactive. */
function demoEmployees(random: DemoRandom, scale: number): DemoEmployee[] {
  const large = scale >= 10_000;
  const wanted: Record<Role, number> = { MANAGEMENT: large ? 4 : 2, SALES: large ? 21 : 5, SUPPORT: large ? 13 : 5 };
  const people = [...NAMED_EMPLOYEES];
  const taken = new Set(people.map((p) => employeeEmail(p)));
  for (const role of ['MANAGEMENT', 'SALES', 'SUPPORT'] as const) {
    let count = people.filter((p) => p.role === role).length;
    while (count < wanted[role]) {
      const candidate: DemoEmployee = {
        firstName: random.pick(FIRST_NAMES),
        lastName: random.pick(LAST_NAMES),
        role,
        // The last one of SALES and SUPPORT has left the company: `employee list --inactive`.
        isActive: role === 'MANAGEMENT' || count < wanted[role] - 1,
        phone: random.chance(0.8) ? mobilePhone(random) : null,
      };
      if (taken.has(employeeEmail(candidate))) continue;
      taken.add(employeeEmail(candidate));
      people.push(candidate);
      count += 1;
    }
  }
  return people;
}

const employeeEmail = (p: Pick<DemoEmployee, 'firstName' | 'lastName'>) => `${asciiSlug(p.firstName)}.${asciiSlug(p.lastName)}@epic.events`;

async function insertEmployees(manager: EntityManager, people: DemoEmployee[], passwordHash: string): Promise<DemoAccount[]> {
  const emails = people.map(employeeEmail);
  const existing: { email: string }[] = await manager.query('SELECT email FROM employees WHERE email_key = ANY($1::text[])', [emails.map((email) => email.toLowerCase())]);
  if (existing.length > 0) {
    throw conflict(`the demo data set is already there (${existing[0].email} exists)`, 'seed an empty database, or drop it and start again');
  }
  const rows: { id: number; email: string; role: Role; is_active: boolean }[] = await manager.query(
    `INSERT INTO employees (first_name, last_name, email, phone, role, is_active, password_hash)
     SELECT u.first_name, u.last_name, u.email, u.phone, u.role, u.is_active, $7
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])
            AS u(first_name, last_name, email, phone, role, is_active)
     RETURNING id, email, role, is_active`,
    [
      people.map((p) => p.firstName),
      people.map((p) => p.lastName),
      emails,
      people.map((p) => p.phone),
      people.map((p) => p.role),
      people.map((p) => p.isActive),
      passwordHash,
    ],
  );
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  return emails.map((email) => {
    const row = byEmail.get(email) as (typeof rows)[number];
    return { id: Number(row.id), email, role: row.role, isActive: row.is_active };
  });
}

/** What later phases need to know about the clients, kept in typed arrays (a million of them). */
interface ClientSet {
  ids: Int32Array;
  owners: Int32Array;
  createdAt: Float64Array;
  /** Indexes into FIRST_NAMES / LAST_NAMES, for event names. */
  firstName: Uint16Array;
  lastName: Uint16Array;
  /** The company's short name, for company events. */
  companyShort: string[];
}

/** Reserves `count` ids from a table's identity sequence: nobody else can be given them. */
async function reserveIds(manager: EntityManager, table: 'clients' | 'contracts' | 'events', count: number): Promise<Int32Array> {
  const ids = new Int32Array(count);
  let filled = 0;
  while (filled < count) {
    const chunk = Math.min(count - filled, 200_000);
    const [row]: { ids: number[] | string }[] = await manager.query(
      `SELECT array_agg(nextval(pg_get_serial_sequence($1, 'id'))) AS ids FROM generate_series(1, $2)`,
      [table, chunk],
    );
    const values = typeof row.ids === 'string' ? row.ids.slice(1, -1).split(',') : row.ids;
    for (const value of values) ids[filled++] = Number(value);
  }
  return ids;
}

/**
 * Runs one INSERT per batch, building the next batch while the server writes the current one
 * (two cores: one generates, one inserts).
 */
async function insertBatches(
  manager: EntityManager,
  sql: string,
  count: number,
  build: (from: number, to: number) => unknown[],
  onBatch: (rows: number) => void,
): Promise<void> {
  let pending: Promise<unknown> | undefined;
  let pendingRows = 0;
  for (let from = 0; from < count; from += BATCH_ROWS) {
    const to = Math.min(count, from + BATCH_ROWS);
    const params = build(from, to);
    if (pending) {
      await pending;
      onBatch(pendingRows);
    }
    pending = manager.query(sql, params);
    pendingRows = to - from;
  }
  if (pending) {
    await pending;
    onBatch(pendingRows);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

async function insertClients(
  manager: EntityManager,
  random: DemoRandom,
  count: number,
  sales: number[],
  now: number,
  onBatch: (rows: number) => void,
): Promise<ClientSet> {
  const examples = exampleClients(sales[0]);
  const total = Math.max(count, examples.length);
  const set: ClientSet = {
    ids: await reserveIds(manager, 'clients', total),
    owners: new Int32Array(total),
    createdAt: new Float64Array(total),
    firstName: new Uint16Array(total),
    lastName: new Uint16Array(total),
    companyShort: new Array<string>(total),
  };
  const sql = `INSERT INTO clients (id, full_name, email, phone, company_name, sales_contact_id, created_at, updated_at)
    OVERRIDING SYSTEM VALUE
    SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::timestamptz[], $8::timestamptz[])`;
  await insertBatches(
    manager,
    sql,
    total,
    (from, to) => {
      const columns: unknown[][] = [[], [], [], [], [], [], [], []];
      for (let i = from; i < to; i += 1) {
        const example = examples[i];
        const first = example ? FIRST_NAMES.indexOf(example.firstName as never) : random.int(0, FIRST_NAMES.length - 1);
        const last = example ? LAST_NAMES.indexOf(example.lastName as never) : random.int(0, LAST_NAMES.length - 1);
        const firm = company(random);
        const owner = example ? example.owner : sales[random.int(0, sales.length - 1)];
        // First contact within the last three years; last update since then.
        const created = example ? example.createdAt : now - random.next() * 3 * 365 * DAY_MS;
        const updated = example ? example.createdAt : created + random.next() * (now - created);
        const fullName = example ? `${example.firstName} ${example.lastName}` : `${FIRST_NAMES[first]} ${LAST_NAMES[last]}`;
        const email = example ? example.email : `${asciiSlug(FIRST_NAMES[first])}.${asciiSlug(LAST_NAMES[last])}${i}@${firm.domain}`;
        set.owners[i] = owner;
        set.createdAt[i] = created;
        set.firstName[i] = Math.max(first, 0);
        set.lastName[i] = Math.max(last, 0);
        set.companyShort[i] = example ? example.company.split(' ')[0] : firm.name.split(' ')[0];
        columns[0].push(set.ids[i]);
        columns[1].push(fullName);
        columns[2].push(email);
        columns[3].push(example ? example.phone : mobilePhone(random));
        columns[4].push(example ? example.company : firm.name);
        columns[5].push(owner);
        columns[6].push(iso(created));
        columns[7].push(iso(updated));
      }
      return columns;
    },
    onBatch,
  );
  return set;
}

interface ExampleClient {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string;
  owner: number;
  createdAt: number;
}

/**
 * The reference examples: Kevin Casey of Cool Startup LLC, and the client of the John Quick Wedding; both Bill
 * Boquet's. Kevin's phone in the specification, +678 123 456 78, is not a possible Vanuatu number
 * (7 digits there), and `client create` refuses it: the demo uses a valid one, so that the demo
 * data passes its own validation (an export imports back whole).
 */
function exampleClients(billBoquet: number): ExampleClient[] {
  return [
    { firstName: 'Kevin', lastName: 'Casey', email: 'kevin@startup.io', phone: '+6785123456', company: 'Cool Startup LLC', owner: billBoquet, createdAt: Date.parse('2023-03-21T09:30:00Z') },
    { firstName: 'John', lastName: 'Quick', email: 'john.quick@example.org', phone: '+33612345678', company: 'Quick Family', owner: billBoquet, createdAt: Date.parse('2022-11-02T14:00:00Z') },
  ];
}

/** Signed contracts, for the events phase. */
interface SignedContracts {
  contracts: number;
  ids: Int32Array;
  clientIndex: Int32Array;
  signedAt: Float64Array;
  count: number;
}

async function insertContracts(
  manager: EntityManager,
  random: DemoRandom,
  clients: ClientSet,
  count: number,
  now: number,
  onBatch: (rows: number) => void,
): Promise<SignedContracts> {
  // Contracts per client: none for a quarter of them, one for most, up to three; about one on average.
  const clientOf = new Int32Array(count);
  let n = 0;
  // The examples: John Quick's signed contract (the wedding), Kevin Casey's unsigned one.
  const examples = clients.ids.length >= 2 ? [1, 0] : [];
  for (const client of examples) if (n < count) clientOf[n++] = client;
  for (let client = 2; client < clients.ids.length && n < count; client += 1) {
    const r = random.next();
    const k = r < 0.25 ? 0 : r < 0.8 ? 1 : r < 0.95 ? 2 : 3;
    for (let j = 0; j < k && n < count; j += 1) clientOf[n++] = client;
  }
  while (n < count) clientOf[n++] = random.int(0, clients.ids.length - 1);

  const ids = await reserveIds(manager, 'contracts', count);
  const signed: SignedContracts = { contracts: count, ids: new Int32Array(count), clientIndex: new Int32Array(count), signedAt: new Float64Array(count), count: 0 };
  const sql = `INSERT INTO contracts (id, client_id, sales_contact_id, total_amount, amount_due, is_signed, signed_at, created_at, updated_at)
    OVERRIDING SYSTEM VALUE
    SELECT * FROM unnest($1::integer[], $2::integer[], $3::integer[], $4::numeric[], $5::numeric[], $6::boolean[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])`;
  await insertBatches(
    manager,
    sql,
    count,
    (from, to) => {
      const columns: unknown[][] = [[], [], [], [], [], [], [], [], []];
      for (let i = from; i < to; i += 1) {
        const client = clientOf[i];
        const isExample = i < examples.length;
        const created = Math.min(now, clients.createdAt[client] + random.next() * 60 * DAY_MS);
        // 70% signed: of those, half paid in full, a third partly, the rest not yet.
        const isSigned = isExample ? client === 1 : random.chance(0.7);
        const signedAt = isExample && isSigned ? Date.parse('2023-01-16T10:00:00Z') : Math.min(now, created + random.next() * 30 * DAY_MS);
        const total = isExample ? (isSigned ? 1_850_000 : 1_200_000) : random.int(50, 5_000) * 1000 + random.pick([0, 0, 0, 50, 99]);
        let due = total;
        if (isSigned && !isExample) {
          const r = random.next();
          due = r < 0.5 ? 0 : r < 0.83 ? Math.floor((total * random.int(10, 90)) / 100) : total;
        }
        if (isExample && isSigned) due = 0;
        const updated = isSigned ? signedAt : created;
        columns[0].push(ids[i]);
        columns[1].push(clients.ids[client]);
        columns[2].push(clients.owners[client]);
        columns[3].push(money(total));
        columns[4].push(money(due));
        columns[5].push(isSigned);
        columns[6].push(isSigned ? iso(signedAt) : null);
        columns[7].push(iso(isExample ? clients.createdAt[client] + DAY_MS : created));
        columns[8].push(iso(updated));
        if (isSigned) {
          signed.ids[signed.count] = ids[i];
          signed.clientIndex[signed.count] = client;
          signed.signedAt[signed.count] = signedAt;
          signed.count += 1;
        }
      }
      return columns;
    },
    onBatch,
  );
  return signed;
}

const PERSONAL_EVENTS = new Set<string>(['Wedding', 'Birthday Party', 'Anniversary Dinner', 'Garden Party']);

async function insertEvents(
  manager: EntityManager,
  random: DemoRandom,
  clients: ClientSet,
  signed: SignedContracts,
  count: number,
  support: { id: number; active: boolean }[],
  now: number,
  onBatch: (rows: number) => void,
): Promise<number> {
  if (signed.count === 0) return 0;
  // Events per signed contract: 0 to 3, about 1.4 on average, so there are about as many events as contracts.
  const contractOf = new Int32Array(count);
  let n = 0;
  const hasWedding = signed.count > 0 && clients.ids.length >= 2 && signed.clientIndex[0] === 1;
  if (hasWedding && count > 0) contractOf[n++] = 0;
  for (let c = hasWedding ? 1 : 0; c < signed.count && n < count; c += 1) {
    const r = random.next();
    const k = r < 0.15 ? 0 : r < 0.55 ? 1 : r < 0.9 ? 2 : 3;
    for (let j = 0; j < k && n < count; j += 1) contractOf[n++] = c;
  }
  // Fill up (rarely needed) on other contracts than the wedding's, unless it is the only one.
  const firstFree = hasWedding && signed.count > 1 ? 1 : 0;
  while (n < count) contractOf[n++] = random.int(firstFree, signed.count - 1);

  const activeSupport = support.filter((s) => s.active).map((s) => s.id);
  const anySupport = support.map((s) => s.id);
  const kate = activeSupport[0];
  const ids = await reserveIds(manager, 'events', count);
  const sql = `INSERT INTO events (id, contract_id, name, start_at, end_at, support_contact_id, location, attendees, notes, created_at, updated_at)
    OVERRIDING SYSTEM VALUE
    SELECT * FROM unnest($1::integer[], $2::integer[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::integer[], $7::text[], $8::integer[], $9::text[], $10::timestamptz[], $11::timestamptz[])`;
  await insertBatches(
    manager,
    sql,
    count,
    (from, to) => {
      const columns: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
      for (let i = from; i < to; i += 1) {
        const contract = contractOf[i];
        const client = signed.clientIndex[contract];
        if (hasWedding && i === 0) {
          // The reference example, in the local time of the Loire valley.
          columns[0].push(ids[i]);
          columns[1].push(signed.ids[contract]);
          columns[2].push('John Quick Wedding');
          columns[3].push('2023-06-04T13:00:00+02:00');
          columns[4].push('2023-06-05T02:00:00+02:00');
          columns[5].push(kate ?? null);
          columns[6].push(`53 Rue du Château, 41120 ${CITIES[0].city}, France`);
          columns[7].push(75);
          columns[8].push('Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM. Kate needs to organize the DJ for after party.');
          columns[9].push(iso(signed.signedAt[contract] + DAY_MS));
          columns[10].push(iso(signed.signedAt[contract] + 30 * DAY_MS));
          continue;
        }
        const kind = random.pick(EVENT_KINDS);
        const name = PERSONAL_EVENTS.has(kind)
          ? `${FIRST_NAMES[clients.firstName[client]]} ${LAST_NAMES[clients.lastName[client]]} ${kind}`
          : `${clients.companyShort[client]} ${kind}`;
        // Two weeks to a year after the signature, on the hour; 2 to 14 hours long.
        const start = Math.floor((signed.signedAt[contract] + random.int(14, 365) * DAY_MS) / 3_600_000) * 3_600_000;
        const end = start + random.int(2, 14) * 3_600_000;
        const past = end < now;
        // Past events nearly all had someone; a third of future ones still wait for a support person.
        const supportId = past
          ? random.chance(0.97)
            ? anySupport[random.int(0, anySupport.length - 1)]
            : null
          : random.chance(0.7)
            ? activeSupport[random.int(0, activeSupport.length - 1)]
            : null;
        const created = Math.min(now, signed.signedAt[contract] + random.next() * 7 * DAY_MS);
        columns[0].push(ids[i]);
        columns[1].push(signed.ids[contract]);
        columns[2].push(name);
        columns[3].push(iso(start));
        columns[4].push(iso(end));
        columns[5].push(supportId ?? null);
        columns[6].push(address(random));
        columns[7].push(random.int(10, 400));
        columns[8].push(eventNotes(random));
        columns[9].push(iso(created));
        columns[10].push(iso(Math.min(now, created + random.next() * 30 * DAY_MS)));
      }
      return columns;
    },
    onBatch,
  );
  return count;
}
