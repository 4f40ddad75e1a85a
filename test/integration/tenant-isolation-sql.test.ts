import { Client } from 'pg';
import { Database } from '../../src/database/database';
import { TENANT_USER_ROLE } from '../../src/database/roles-sql';
import { DEFAULT_TENANT } from '../../src/domain/tenancy';
import { FACTORY_PASSWORD_HASH } from '../support/factories';
import { createTestDatabase, DEFAULT_TENANT_ID, serverUrl, type TestDatabase } from '../support/test-database';

/**
 * Row security as the application sees it: SQL run as the tenant role (the application role's
 * rights, held to row security), on a real PostgreSQL with two tenants. Server only: the roles are
 * a server's (the embedded engine runs the same statements, as its one superuser switched to the
 * tenant role, in the CLI tests).
 */

const TENANT_TABLES = ['employees', 'clients', 'contracts', 'events', 'notifications', 'session_families', 'refresh_tokens', 'audit_log'];

(serverUrl() ? describe : describe.skip)('row security between tenants', () => {
  let db: TestDatabase;
  /** A connection of its own as the tenant role, with no tenant set unless a test sets one. */
  let app: Client;
  const b = { tenant: 0, employee: 0, client: 0 };
  const a = { employee: 0, client: 0 };

  /** Runs `sql` as superuser in `tenant` (the column's default reads the setting). */
  const asSuperuserIn = async <T>(tenant: number, sql: string, params: unknown[] = []): Promise<T[]> => {
    await db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(tenant)]);
    try {
      return await db.query<T>(sql, params);
    } finally {
      await db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(DEFAULT_TENANT_ID)]);
    }
  };
  const insertEmployee = (tenant: number, email: string) =>
    asSuperuserIn<{ id: number }>(tenant, `INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('Test', 'Person', $1, 'SALES', $2) RETURNING id`, [
      email,
      FACTORY_PASSWORD_HASH,
    ]);
  const insertClient = (tenant: number, email: string, owner: number) =>
    asSuperuserIn<{ id: number }>(tenant, `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('Kevin Casey', $1, '+33612345678', 'Startup', $2) RETURNING id`, [
      email,
      owner,
    ]);

  /** `work` as the tenant role in one transaction of `tenant`, rolled back. */
  async function inTenant<T>(tenant: number, work: () => Promise<T>): Promise<T> {
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(tenant)]);
      return await work();
    } finally {
      await app.query('ROLLBACK');
    }
  }

  async function refusal(work: () => Promise<unknown>): Promise<{ code?: string }> {
    try {
      await work();
    } catch (error) {
      return error as { code?: string };
    }
    throw new Error('the database accepted what row security must refuse');
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    [{ id: b.tenant }] = await db.query<{ id: number }>(`INSERT INTO tenants (slug, name, plan, status) VALUES ('acme-events', 'Acme Events', 'STARTER', 'TRIAL') RETURNING id::int AS id`);
    [{ id: a.employee }] = await insertEmployee(DEFAULT_TENANT_ID, 'ann@a.example');
    [{ id: a.client }] = await insertClient(DEFAULT_TENANT_ID, 'kevin@a.example', a.employee);
    [{ id: b.employee }] = await insertEmployee(b.tenant, 'bob@b.example');
    [{ id: b.client }] = await insertClient(b.tenant, 'kevin@b.example', b.employee);
    app = new Client({ connectionString: db.url });
    await app.connect();
    await app.query(`SET ROLE ${TENANT_USER_ROLE}`);
  });
  afterAll(async () => {
    await app?.end();
    await db?.close();
  });

  it('should show no row of any tenant table and refuse every insert when no tenant is set', async () => {
    for (const table of TENANT_TABLES) {
      const { rows } = await app.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect({ table, rows: rows[0].n }).toEqual({ table, rows: 0 });
    }
    const error = await refusal(() => app.query(`INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('No', 'Tenant', 'no@tenant.example', 'SALES', $1)`, [FACTORY_PASSWORD_HASH]));
    // The policy's check refuses it (before NOT NULL would: tenant_id's default finds no tenant).
    expect(error.code).toBe('42501');
  });

  it('should hide the rows of tenant B from tenant A, and touch none of them by id', async () => {
    await inTenant(DEFAULT_TENANT_ID, async () => {
      expect((await app.query('SELECT id FROM clients WHERE id = $1', [b.client])).rows).toEqual([]);
      expect((await app.query('SELECT id FROM clients WHERE id = $1', [a.client])).rows).toEqual([{ id: a.client }]);
      expect((await app.query('SELECT count(*)::int AS n FROM employees WHERE email = $1', ['bob@b.example'])).rows).toEqual([{ n: 0 }]);
      expect((await app.query(`UPDATE clients SET company_name = 'Taken' WHERE id = $1`, [b.client])).rowCount).toBe(0);
      expect((await app.query('DELETE FROM clients WHERE id = $1', [b.client])).rowCount).toBe(0);
      expect((await app.query(`UPDATE employees SET role = 'MANAGEMENT' WHERE id = $1`, [b.employee])).rowCount).toBe(0);
    });
    const [still] = await db.query<{ company_name: string }>('SELECT company_name FROM clients WHERE id = $1', [b.client]);
    expect(still.company_name).toBe('Startup');
  });

  it("should find only the transaction tenant's records through the search functions, and none without a tenant", async () => {
    // Both tenants have a Kevin Casey: the functions' owner reads every tenant's rows, so the tenant is theirs to check.
    const search = async () => ({
      clients: (await app.query(`SELECT matching_client_ids('%casey%') AS id`)).rows.map((row) => row.id),
      events: (await app.query(`SELECT matching_event_ids('%casey%') AS id`)).rows.map((row) => row.id),
    });
    expect(await search()).toEqual({ clients: [], events: [] });
    expect(await inTenant(DEFAULT_TENANT_ID, search)).toEqual({ clients: [a.client], events: [] });
    expect(await inTenant(b.tenant, search)).toEqual({ clients: [b.client], events: [] });
    // The tenant role may run the functions, never act as their owner.
    const member = await app.query(`SELECT pg_has_role('${TENANT_USER_ROLE}', 'epicevents_tenant_directory', 'MEMBER') AS member`);
    expect(member.rows).toEqual([{ member: false }]);
  });

  it("should search a small tenant inside a large table through the tenant's own index range", async () => {
    // 20 000 Caseys in the default tenant, one in B, with statistics: all in one transaction, rolled back.
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      await admin.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(DEFAULT_TENANT_ID)]);
      await admin.query(
        `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id)
         SELECT 'Kevin Casey', 'casey' || g || '@a.example', '+33612345678', 'Startup', $1 FROM generate_series(1, 20000) AS g`,
        [a.employee],
      );
      await admin.query('ANALYZE clients');
      await admin.query(`SET LOCAL ROLE ${TENANT_USER_ROLE}`);
      await admin.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(b.tenant)]);
      const found = await admin.query(`SELECT matching_client_ids('%casey%') AS id`);
      // Scans of the B-tree indexes that lead with tenant_id, by this transaction: the tenant was an
      // index condition. As a filter only (`tenant_id + 0`), every tenant's 20 001 matches were rechecked.
      const scans = await admin.query(`
        SELECT sum(pg_stat_get_xact_numscans(i.indexrelid))::int AS scans
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
         WHERE i.indrelid = 'clients'::regclass AND am.amname = 'btree'
           AND i.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = 'clients'::regclass AND attname = 'tenant_id')`);
      expect({ found: found.rows.map((row) => row.id), usedTenantIndex: scans.rows[0].scans > 0 }).toEqual({ found: [b.client], usedTenantIndex: true });
    } finally {
      await admin.query('ROLLBACK');
      await admin.end();
    }
  });

  it("should estimate a salesperson's clients within the tenant, not over the whole table", async () => {
    // 20 000 clients in each tenant, all of one salesperson each: half of the table, all of the tenant.
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      // More clients than B's plan allows: the limit is not this test's subject.
      await admin.query(`UPDATE tenants SET plan = 'ENTERPRISE' WHERE id = $1`, [b.tenant]);
      for (const [tenant, owner, domain] of [[DEFAULT_TENANT_ID, a.employee, 'a'], [b.tenant, b.employee, 'b']] as const) {
        await admin.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(tenant)]);
        await admin.query(
          `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id)
           SELECT 'Client ' || g, 'owned' || g || '@${domain}.example', '+33612345678', 'Firm', $1 FROM generate_series(1, 20000) AS g`,
          [owner],
        );
      }
      await admin.query('ANALYZE clients');
      await admin.query(`SET LOCAL ROLE ${TENANT_USER_ROLE}`);
      await admin.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(b.tenant)]);
      const [row] = (await admin.query(`EXPLAIN (FORMAT JSON) SELECT id FROM clients WHERE sales_contact_id = $1`, [b.employee])).rows;
      // Column statistics alone multiply the two halves: about 10 000 rows.
      expect(row['QUERY PLAN'][0].Plan['Plan Rows']).toBeGreaterThan(15_000);
    } finally {
      await admin.query('ROLLBACK');
      await admin.end();
    }
  });

  it('should refuse a row of tenant A that points at a client or an employee of tenant B', async () => {
    await inTenant(DEFAULT_TENANT_ID, async () => {
      const error = await refusal(() => app.query(`INSERT INTO contracts (client_id, sales_contact_id, total_amount, amount_due) VALUES ($1, $2, 100, 100)`, [b.client, a.employee]));
      expect(error).toMatchObject({ code: '23503', constraint: 'contracts_client_id_fkey' });
    });
    await inTenant(DEFAULT_TENANT_ID, async () => {
      const error = await refusal(() => app.query(`UPDATE clients SET sales_contact_id = $1 WHERE id = $2`, [b.employee, a.client]));
      expect(error).toMatchObject({ code: '23503', constraint: 'clients_sales_contact_id_fkey' });
    });
  });

  it('should refuse a row written for another tenant than the one set, and a row moved to another tenant', async () => {
    await inTenant(DEFAULT_TENANT_ID, async () => {
      const error = await refusal(() =>
        app.query(`INSERT INTO employees (tenant_id, first_name, last_name, email, role, password_hash) VALUES ($1, 'Eve', 'Spy', 'eve@b.example', 'SALES', $2)`, [b.tenant, FACTORY_PASSWORD_HASH]),
      );
      expect(error.code).toBe('42501'); // new row violates row-level security policy
    });
    await inTenant(DEFAULT_TENANT_ID, async () => {
      expect((await refusal(() => app.query('UPDATE employees SET tenant_id = $1 WHERE id = $2', [b.tenant, a.employee]))).code).toBe('42501');
    });
  });

  it('should let two tenants have the same email, and not reveal B\'s email to A through the unique key', async () => {
    // A takes B's client email: no collision (the key is per tenant), so nothing tells A it exists.
    await inTenant(DEFAULT_TENANT_ID, async () => {
      const { rows } = await app.query(`INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('Other Kevin', 'KEVIN@b.example', '+33612345679', 'Other', $1) RETURNING tenant_id::int AS tenant`, [a.employee]);
      expect(rows).toEqual([{ tenant: DEFAULT_TENANT_ID }]);
      const { rows: employees } = await app.query(`INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('Bob', 'Twin', 'bob@b.example', 'SUPPORT', $1) RETURNING id`, [FACTORY_PASSWORD_HASH]);
      expect(employees).toHaveLength(1);
    });
    // Within one tenant the email stays unique, whatever the case.
    await inTenant(b.tenant, async () => {
      const error = await refusal(() => app.query(`INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('Dup', 'Kevin@B.example', '+33612345670', 'Dup', $1)`, [b.employee]));
      expect(error).toMatchObject({ code: '23505', constraint: 'clients_email_lower_key' });
    });
  });

  it('should forget a tenant set for a transaction once it ends, on the same connection', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(b.tenant)]);
    expect((await app.query('SELECT count(*)::int AS n FROM clients')).rows).toEqual([{ n: 1 }]);
    await app.query('COMMIT');
    // What remains is an empty string, not NULL: the policies read it through NULLIF.
    expect((await app.query(`SELECT current_setting('app.tenant_id', true) AS setting`)).rows).toEqual([{ setting: '' }]);
    expect((await app.query('SELECT count(*)::int AS n FROM clients')).rows).toEqual([{ n: 0 }]);
  });

  it('should read tenants only through the tenant functions', async () => {
    expect((await refusal(() => app.query('SELECT * FROM tenants'))).code).toBe('42501');
    expect((await refusal(() => app.query('SELECT * FROM plans'))).code).toBe('42501');
    expect((await app.query('SELECT slug, plan, status FROM tenant_by_slug($1)', ['acme-events'])).rows).toEqual([{ slug: 'acme-events', plan: 'STARTER', status: 'TRIAL' }]);
    expect((await app.query('SELECT slug FROM tenant_by_slug($1)', ['nobody'])).rows).toEqual([]);
    expect((await app.query('SELECT slug FROM current_tenant()')).rows).toEqual([]);
    await inTenant(b.tenant, async () => expect((await app.query('SELECT slug FROM current_tenant()')).rows).toEqual([{ slug: 'acme-events' }]));
  });

  it('should switch a superuser connection of the application to the tenant role, in its tenant or in none', async () => {
    const direct = await Database.open({ databaseUrl: db.url, dataDir: '', scope: { tenant: 'acme-events' } });
    const serving = await Database.open({ databaseUrl: db.url, dataDir: '', scope: {} });
    try {
      expect(await direct.query('SELECT current_user AS role, session_user AS login')).toEqual([{ role: TENANT_USER_ROLE, login: 'postgres' }]);
      expect(await direct.query('SELECT email FROM employees')).toEqual([{ email: 'bob@b.example' }]);
      // The server's connections carry no tenant: each request's transaction sets it.
      expect(await serving.query('SELECT current_user AS role')).toEqual([{ role: TENANT_USER_ROLE }]);
      expect(await serving.query('SELECT count(*)::int AS n FROM employees')).toEqual([{ n: 0 }]);
    } finally {
      await direct.close();
      await serving.close();
    }
    await expect(Database.open({ databaseUrl: db.url, dataDir: '', scope: { tenant: 'nobody-here' } }).then((opened) => opened.query('SELECT 1').finally(() => opened.close()))).rejects.toThrow(/no tenant has the slug "nobody-here"/);
    const defaultDb = await Database.open({ databaseUrl: db.url, dataDir: '', scope: { tenant: DEFAULT_TENANT } });
    try {
      expect((await defaultDb.query<{ email: string }>('SELECT email FROM employees ORDER BY id')).map((r) => r.email)).not.toContain('bob@b.example');
    } finally {
      await defaultDb.close();
    }
  });
});
