import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The rules of docs/tenancy.md, read from pg_catalog on the migrated schema: a table added without
 * them fails here. Every table but the few below carries tenant_id; each such table has row
 * security enabled and forced with a policy; its primary key, its unique indexes and its foreign
 * keys to other tenant tables include tenant_id; its indexes lead with it.
 */

/** Tables without tenant_id, each for a reason. */
const SHARED_TABLES = [
  'migrations', // TypeORM's record of the schema, the whole database's
  'plans', // the offer, the same for every tenant
  'tenants', // the tenants themselves, read through SECURITY DEFINER functions
  'platform_operators', // the platform operator runs the service, for no tenant
  'platform_sessions', // its logins
  'platform_audit_log', // its actions (which name a tenant in target_tenant_id, not tenant_id)
];

/**
 * Indexes of tenant tables that may not lead with tenant_id, each for a reason. The trigram
 * indexes: only the search functions (matching_client_ids, matching_event_ids) use them, with the
 * tenant as a condition of their own; a GIN index cannot lead with a bigint without btree_gin.
 */
const INDEXES_NOT_LEADING_WITH_TENANT: string[] = [
  'clients_full_name_trgm_idx',
  'clients_email_trgm_idx',
  'clients_company_name_trgm_idx',
  'events_name_trgm_idx',
  'events_location_trgm_idx',
];

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

async function tenantTables(): Promise<string[]> {
  const rows = await db.query<{ table: string }>(`
    SELECT c.relname AS table FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
       AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
     ORDER BY 1`);
  return rows.map((r) => r.table);
}

describe('the tenant rules of the schema', () => {
  it('should give every table but the shared ones a tenant_id column', async () => {
    const rows = await db.query<{ table: string }>(`SELECT relname AS table FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1`);
    const tenant = await tenantTables();
    expect(rows.map((r) => r.table).filter((t) => !tenant.includes(t))).toEqual([...SHARED_TABLES].sort());
    expect(tenant).toEqual(['audit_log', 'clients', 'contracts', 'employees', 'events', 'notifications', 'refresh_tokens', 'session_families', 'tenant_usage']);
  });

  it('should enable and force row security on every tenant table, with a policy on tenant_id for every role', async () => {
    const rows = await db.query<{ table: string; enabled: boolean; forced: boolean; policies: string[] }>(`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             ARRAY(SELECT pg_get_expr(p.polqual, p.polrelid) || ' / ' || pg_get_expr(p.polwithcheck, p.polrelid)
                     FROM pg_policy p WHERE p.polrelid = c.oid AND p.polroles = '{0}') AS policies
        FROM pg_class c WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace ORDER BY 1`,
      [await tenantTables()],
    );
    const setting = "(tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::bigint)";
    for (const row of rows) {
      expect(row).toEqual({ table: row.table, enabled: true, forced: true, policies: [`${setting} / ${setting}`] });
    }
  });

  it("should admit no role but the tenant functions' owner past the tenant policy: to read the searched tables, to count a tenant's managers, and to keep the usage counters", async () => {
    const rows = await db.query<{ table: string; policy: string; command: string; roles: string[] }>(`
      SELECT c.relname AS table, p.polname AS policy, p.polcmd::text AS command,
             ARRAY(SELECT r.rolname::text FROM pg_roles r WHERE r.oid = ANY(p.polroles)) AS roles
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
       WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace AND p.polroles <> '{0}' ORDER BY 1`,
      [await tenantTables()],
    );
    const search = (table: string) => ({ table, policy: `${table}_search`, command: 'r', roles: ['epicevents_tenant_directory'] });
    expect(rows).toEqual([
      search('clients'),
      search('contracts'),
      // The last-manager trigger (SECURITY DEFINER) counts the active managers of the tenant a statement changed.
      { table: 'employees', policy: 'employees_managers', command: 'r', roles: ['epicevents_tenant_directory'] },
      search('events'),
      // The usage triggers (SECURITY DEFINER) count a statement's rows in whatever tenant they are.
      { table: 'tenant_usage', policy: 'tenant_usage_counters', command: '*', roles: ['epicevents_tenant_directory'] },
    ]);
  });

  it('should put tenant_id in every primary key and unique index of a tenant table', async () => {
    const rows = await db.query<{ index: string; columns: string[] }>(`
      SELECT i.indexrelid::regclass::text AS index,
             ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k) AS columns
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
       WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace AND (i.indisunique OR i.indisprimary)
       ORDER BY 1`,
      [await tenantTables()],
    );
    expect(rows.length).toBeGreaterThanOrEqual(12);
    expect(rows.filter((row) => !row.columns.includes('tenant_id'))).toEqual([]);
  });

  it('should make every foreign key between tenant tables match tenant_id with tenant_id', async () => {
    const tables = await tenantTables();
    const rows = await db.query<{ name: string; child: string[]; parent: string[] }>(`
      SELECT con.conname AS name,
             ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(n, o) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS child,
             ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(n, o) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) AS parent
        FROM pg_constraint con
       WHERE con.contype = 'f' AND con.conrelid::regclass::text = ANY($1) AND con.confrelid::regclass::text = ANY($1)
       ORDER BY 1`,
      [tables],
    );
    expect(rows.length).toBe(8);
    for (const row of rows) {
      const at = row.child.indexOf('tenant_id');
      expect({ name: row.name, tenantMatchesTenant: at >= 0 && row.parent[at] === 'tenant_id' }).toEqual({ name: row.name, tenantMatchesTenant: true });
    }
    // And every tenant table's tenant_id refers to a tenant.
    const toTenants = await db.query<{ table: string }>(
      `SELECT conrelid::regclass::text AS table FROM pg_constraint WHERE contype = 'f' AND confrelid = 'public.tenants'::regclass AND conrelid::regclass::text = ANY($1) ORDER BY 1`,
      [tables],
    );
    expect(toTenants.map((r) => r.table)).toEqual(tables);
  });

  it('should lead every index of a tenant table with tenant_id', async () => {
    const rows = await db.query<{ index: string; first: string }>(`
      SELECT i.indexrelid::regclass::text AS index, pg_get_indexdef(i.indexrelid, 1, true) AS first
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
       WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace
       ORDER BY 1`,
      [await tenantTables()],
    );
    expect(rows.filter((row) => row.first !== 'tenant_id' && !INDEXES_NOT_LEADING_WITH_TENANT.includes(row.index))).toEqual([]);
  });

  it('should default tenant_id to the tenant of the transaction, so the application never writes it', async () => {
    const rows = await db.query<{ table: string; fallback: string }>(`
      SELECT c.relname AS table, pg_get_expr(d.adbin, d.adrelid) AS fallback
        FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum JOIN pg_class c ON c.oid = d.adrelid
       WHERE a.attname = 'tenant_id' AND c.relnamespace = 'public'::regnamespace ORDER BY 1`);
    expect(rows.map((r) => r.table)).toEqual(await tenantTables());
    for (const row of rows) expect(row.fallback).toBe("(NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::bigint");
  });
});
