import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from '../../src/database/migrations';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The schema migrates from zero, reverts to zero and migrates again through the real binary. */

/** Every migration, oldest first. */
const NAMES = MIGRATIONS.map((m) => m.name);
const TABLES = ['audit_log', 'clients', 'contracts', 'employees', 'events', 'notifications', 'refresh_tokens', 'session_families'];
/** The tables of the Tenants migration, with the rows it puts in them (the plans, the tenant `default`). */
const TENANT_TABLES = [
  { table: 'plans', rows: 3 },
  { table: 'tenants', rows: 1 },
];
/** What the plans' limits add: one usage row per tenant. */
const LIMITS_TABLES = [{ table: 'tenant_usage', rows: 1 }];
/** The platform operator's, of no tenant (empty here). */
const PLATFORM_TABLES = ['platform_audit_log', 'platform_operators', 'platform_sessions'].map((table) => ({ table, rows: 0 }));

interface StatusDocument {
  database: 'server' | 'embedded';
  migrations: { name: string; applied: boolean }[];
  pending: number;
}

let db: TestDatabase;
const cli = (args: string[]) => runCli(args, { env: db.env, timeoutMs: 60000 });

async function tables(): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

/** Everything the migration creates, as text, so two states of the schema can be compared. */
async function schemaSnapshot(): Promise<string[]> {
  const rows = await db.query<{ line: string }>(`
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' ||
           coalesce(character_maximum_length::text, '') || ' ' || coalesce(numeric_precision::text || ',' || numeric_scale::text, '') || ' ' ||
           is_nullable || ' ' || coalesce(column_default, '') || ' ' || is_identity AS line
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'migrations'
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'migrations'
    UNION ALL
    SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migrations'
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL
    SELECT 'function ' || proname || ' ' || md5(prosrc) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' to ' || array_to_string(roles, ',') || ' using ' || coalesce(qual, '')
      FROM pg_policies WHERE schemaname = 'public'
    UNION ALL
    SELECT 'column grant ' || table_name || '.' || column_name || ' ' || privilege_type || ' to ' || grantee
      FROM information_schema.column_privileges WHERE table_schema = 'public' AND grantee = 'epicevents_tenant_directory'
    ORDER BY 1`);
  return rows.map((r) => r.line);
}

/** Whatever is left in the schema: relations (tables, sequences, indexes, views), types, functions, extensions. */
async function leftovers(): Promise<string[]> {
  const rows = await db.query<{ line: string }>(`
    SELECT 'relation ' || relname AS line FROM pg_class WHERE relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
    ORDER BY 1`);
  return rows.map((r) => r.line);
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe('migrations through the CLI', () => {
  let migrated: string[] = [];

  it('should report the migration applied when the database starts from the migrated template', async () => {
    const status = await cli(['db', 'status', '--json']);
    expect(status.code).toBe(0);
    expect(status.stderr).toBe('');
    expect(status.json<StatusDocument>()).toEqual({
      database: db.url ? 'server' : 'embedded',
      migrations: NAMES.map((name) => ({ name, applied: true })),
      pending: 0,
    });
    expect(await tables()).toEqual([...TABLES, ...TENANT_TABLES.map((t) => t.table), ...LIMITS_TABLES.map((t) => t.table), ...PLATFORM_TABLES.map((t) => t.table), 'migrations'].sort());
    migrated = await schemaSnapshot();
    expect(migrated.length).toBeGreaterThan(100);
  });

  it('should take back exactly what the two newest migrations made when they alone are reverted, and make it again the same', async () => {
    const shape = (line: string) => line.replace(/^(trigger CREATE TRIGGER \S+|function \S+|policy \S+ \S+|column grant \S+ SELECT).*$/, '$1');
    // SignedContractByTenant: the signed-contract check's body, and nothing else, goes back to what it was.
    const revertLookup = await cli(['db', 'revert', '--json']);
    expect(revertLookup.json()).toEqual({ reverted: 'SignedContractByTenant1796400000000', droppedTables: [] });
    const previousLookup = await schemaSnapshot();
    expect(previousLookup.filter((line) => !migrated.includes(line)).map(shape)).toEqual(['function events_need_signed_contract']);
    expect(migrated.filter((line) => !previousLookup.includes(line)).map(shape)).toEqual(['function events_need_signed_contract']);

    const revert = await cli(['db', 'revert', '--json']);
    expect(revert.json()).toEqual({ reverted: 'LastActiveManager1796300000000', droppedTables: [] });
    const reverted = await schemaSnapshot();
    expect(reverted.filter((line) => !previousLookup.includes(line))).toEqual([]);
    // LastActiveManager: its triggers and their function, the policy and the three columns its owner reads.
    const gone = previousLookup.filter((line) => !reverted.includes(line)).map(shape);
    expect(gone).toEqual([
      'column grant employees.is_active SELECT',
      'column grant employees.role SELECT',
      'column grant employees.tenant_id SELECT',
      'function keep_an_active_manager',
      'policy employees employees_managers',
      'trigger CREATE TRIGGER employees_keep_a_manager_delete',
      'trigger CREATE TRIGGER employees_keep_a_manager_update',
    ]);
    expect((await cli(['db', 'migrate'])).code).toBe(0);
    expect(await schemaSnapshot()).toEqual(migrated);
  });

  it('should leave an empty schema, bookkeeping table included, when the migrations are reverted one by one', async () => {
    for (const name of [...NAMES].reverse()) {
      const revert = await cli(['db', 'revert', '--json']);
      expect(revert.code).toBe(0);
      // No employee: no login or --yes needed. Only the first migration, Tenants and TenantLimits and Platform drop tables.
      const dropped =
        name === NAMES[0] ? TABLES.map((table) => ({ table, rows: 0 })) : name === 'Tenants1796000000000' ? TENANT_TABLES : name === 'TenantLimits1796100000000' ? LIMITS_TABLES : name === 'Platform1796200000000' ? PLATFORM_TABLES : [];
      expect(revert.json()).toEqual({ reverted: name, droppedTables: dropped });
    }
    expect(await tables()).toEqual([]);
    expect(await schemaSnapshot()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('should list every migration as pending when the schema is empty', async () => {
    const status = await cli(['db', 'status', '--json']);
    expect(status.code).toBe(0);
    expect(status.json<StatusDocument>()).toMatchObject({ migrations: NAMES.map((name) => ({ name, applied: false })), pending: NAMES.length });
    const human = await cli(['db', 'status']);
    for (const name of NAMES) expect(human.stdout).toMatch(new RegExp(`${name}\\s.*pending`));
    expect(human.stdout).toContain(`${NAMES.length} pending: run \`epicevents db migrate\``);
  });

  it('should do nothing and say so when revert is run at zero', async () => {
    const revert = await cli(['db', 'revert']);
    expect(revert.code).toBe(0);
    expect(revert.stdout).toBe('nothing to revert: the schema is empty\n');
    expect(await leftovers()).toEqual([]);
  });

  it('should recreate exactly the same schema when migrated again', async () => {
    const migrate = await cli(['db', 'migrate', '--json']);
    expect(migrate.code).toBe(0);
    expect(migrate.json()).toEqual({ applied: NAMES });
    expect(await schemaSnapshot()).toEqual(migrated);
  });

  it('should report the schema up to date when migrate runs twice', async () => {
    const again = await cli(['db', 'migrate']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/schema already up to date\n$/);
    const status = await cli(['db', 'status', '--json']);
    expect(status.json<StatusDocument>().pending).toBe(0);
  });
});

/**
 * docs/erd.md must describe the schema the migration creates: every table, every column with
 * its type, and which columns are primary or foreign keys.
 */
describe('docs/erd.md', () => {
  const ERD_TYPE: Record<string, (length: number | null) => string> = {
    integer: () => 'int',
    bigint: () => 'bigint',
    text: () => 'text',
    boolean: () => 'boolean',
    numeric: () => 'numeric',
    uuid: () => 'uuid',
    jsonb: () => 'jsonb',
    'timestamp with time zone': () => 'timestamptz',
    'character varying': (n) => `varchar(${n})`,
    character: (n) => `char(${n})`,
    // Mermaid's attribute types are words: `text[]` is written text_array.
    ARRAY: () => 'text_array',
  };

  function documented(): Map<string, string> {
    const text = fs.readFileSync(path.resolve(__dirname, '../../docs/erd.md'), 'utf8');
    const diagram = /```mermaid\n(erDiagram[\s\S]*?)```/.exec(text);
    if (!diagram) throw new Error('docs/erd.md has no mermaid erDiagram');
    const columns = new Map<string, string>();
    let table: string | undefined;
    for (const line of diagram[1].split('\n').map((l) => l.trim())) {
      const open = /^(\w+)\s*\{$/.exec(line);
      if (open) {
        table = open[1];
        continue;
      }
      if (line === '}') {
        table = undefined;
        continue;
      }
      const attribute = /^([\w()]+)\s+(\w+)((?:\s+(?:PK|FK|UK)(?:\s*,\s*(?:PK|FK|UK))*)?)(?:\s+"[^"]*")?$/.exec(line);
      if (table && attribute) {
        const keys = attribute[3].replace(/\s/g, '').split(',').filter(Boolean).filter((k) => k !== 'UK').sort().join(',');
        columns.set(`${table}.${attribute[2]}`, `${attribute[1]} ${keys}`.trim());
      }
    }
    return columns;
  }

  it('should list every column of every table with its type and keys when compared with the migrated schema', async () => {
    const rows = await db.query<{ name: string; data_type: string; length: number | null; keys: string }>(`
      SELECT c.table_name || '.' || c.column_name AS name, c.data_type, c.character_maximum_length AS length,
             coalesce((SELECT string_agg(key, ',' ORDER BY key) FROM (
                         SELECT DISTINCT CASE tc.constraint_type WHEN 'PRIMARY KEY' THEN 'PK' ELSE 'FK' END AS key
                           FROM information_schema.key_column_usage k
                           JOIN information_schema.table_constraints tc ON tc.constraint_name = k.constraint_name AND tc.table_schema = k.table_schema
                          WHERE k.table_schema = 'public' AND k.table_name = c.table_name AND k.column_name = c.column_name
                            AND tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')) keys), '') AS keys
        FROM information_schema.columns c
       WHERE c.table_schema = 'public' AND c.table_name <> 'migrations'`);
    const actual = new Map(rows.map((r) => [r.name, `${ERD_TYPE[r.data_type](r.length)} ${r.keys}`.trim()]));
    expect(Object.fromEntries([...documented()].sort())).toEqual(Object.fromEntries([...actual].sort()));
  });
});
