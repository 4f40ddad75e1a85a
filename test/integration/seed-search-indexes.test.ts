import { type EntityManager } from 'typeorm';
import { seedDemo } from '../../src/services/seed.service';
import { inTenant, setTransactionTenant } from '../../src/database/tenant-scope';
import { runCli } from '../support/cli';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';
import { createTestDatabase, DEFAULT_TENANT_ID, type TestDatabase } from '../support/test-database';
import { login, userFor } from '../support/users';

/**
 * `db seed` and the trigram indexes of `--search`: built after loading, as compact as a REINDEX
 * makes them, never missing after a failed seed, and covering every tenant's rows.
 */

const TRIGRAM_INDEXES = ['clients_company_name_trgm_idx', 'clients_email_trgm_idx', 'clients_full_name_trgm_idx', 'events_location_trgm_idx', 'events_name_trgm_idx'];

interface IndexState {
  name: string;
  valid: boolean;
  bytes: number;
  relfilenode: number;
}

/** The trigram indexes there are now, whatever their names: GIN indexes of clients and events. */
async function trigramIndexes(db: Pick<TestDatabase, 'query'>): Promise<IndexState[]> {
  const rows = await db.query<{ name: string; valid: boolean; bytes: string; relfilenode: string }>(
    `SELECT i.relname AS name, x.indisvalid AND x.indisready AS valid, pg_relation_size(i.oid) AS bytes, i.relfilenode
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
      WHERE x.indrelid IN ('clients'::regclass, 'events'::regclass) AND am.amname = 'gin'
      ORDER BY i.relname`,
  );
  return rows.map((r) => ({ name: r.name, valid: r.valid, bytes: Number(r.bytes), relfilenode: Number(r.relfilenode) }));
}

describe('db seed --demo --scale 2000 and the search indexes', () => {
  let db: TestDatabase;
  let seeded: IndexState[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const result = await runCli(['db', 'seed', '--demo', '--scale', '2000', '--json'], { env: db.env, timeoutMs: 180000 });
    expect(result.code).toBe(0);
    seeded = await trigramIndexes(db);
  }, 240000);
  afterAll(async () => db?.close());

  it('should leave every trigram index there and valid', () => {
    expect(seeded.map((i) => [i.name, i.valid])).toEqual(TRIGRAM_INDEXES.map((name) => [name, true]));
  });

  it('should leave them no larger than a REINDEX makes them (a pending list filled row by row left them 4 to 7 times larger)', async () => {
    for (const { name } of seeded) await db.query(`REINDEX INDEX ${name}`);
    const rebuilt = new Map((await trigramIndexes(db)).map((i) => [i.name, i.bytes]));
    const larger = seeded.map((i) => ({ name: i.name, ratio: i.bytes / (rebuilt.get(i.name) as number) })).filter((i) => i.ratio > 1.1);
    expect(larger).toEqual([]);
  });

  it('should find the reference examples through client and event search', async () => {
    const bill = userFor(db, 'bill.boquet@epic.events');
    await login(bill, 'demo-password-2026');
    const clients = await bill.run(['client', 'list', '--search', 'casey', '--json']);
    expect(clients.code).toBe(0);
    expect(clients.json<{ email: string }[]>().map((c) => c.email)).toContain('kevin@startup.io');
    const events = await bill.run(['event', 'list', '--search', 'quick wedding', '--json']);
    expect(events.code).toBe(0);
    expect(events.json<{ name: string }[]>().map((e) => e.name)).toContain('John Quick Wedding');
  });
});

describe('db seed and the search indexes of a database with several tenants', () => {
  let sdb: ServiceDatabase;
  let acme: number;
  let third: number;

  /** A tenant's client search (`client list --search`'s function), as that tenant. */
  async function searchCount(tenant: number, pattern: string): Promise<number> {
    return sdb.db.transaction(async (manager: EntityManager) => {
      await setTransactionTenant(manager, tenant);
      const [row]: { n: string }[] = await manager.query('SELECT count(*) AS n FROM matching_client_ids($1)', [pattern]);
      return Number(row.n);
    });
  }

  /** The same, read from the table as the superuser (no index, no row security). */
  async function tableCount(tenant: number, pattern: string): Promise<number> {
    const [row] = await sdb.testDb.query<{ n: string }>(
      `SELECT count(*) AS n FROM clients WHERE tenant_id = $1 AND (full_name ILIKE $2 OR email ILIKE $2 OR company_name ILIKE $2)`,
      [tenant, pattern],
    );
    return Number(row.n);
  }

  /**
   * Clients of every tenant whose full name matches `pattern` (a test constant), as the superuser
   * with every other way than the trigram index turned off, and the plan that shows it was used.
   */
  async function throughFullNameIndex(pattern: string): Promise<{ plan: string; n: number }> {
    const q = sdb.testDb.query.bind(sdb.testDb);
    await q('BEGIN');
    try {
      for (const method of ['seqscan', 'indexscan', 'indexonlyscan']) await q(`SET LOCAL enable_${method} = off`);
      const sql = `SELECT count(*) AS n FROM clients WHERE full_name ILIKE '${pattern}'`;
      const plan = (await q<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');
      const [{ n }] = await q<{ n: string }>(sql);
      return { plan, n: Number(n) };
    } finally {
      await q('COMMIT');
    }
  }

  const seed = (tenant: number, scale: number, onProgress?: Parameters<typeof seedDemo>[2]['onProgress']) =>
    seedDemo(tenant === DEFAULT_TENANT_ID ? sdb.db : inTenant(sdb.db, tenant), null, { scale, onProgress, vacuumAnalyze: (tables) => sdb.db.vacuumAnalyze(tables) });

  beforeAll(async () => {
    sdb = await openServiceDatabase();
    [{ id: acme }, { id: third }] = await sdb.testDb.query<{ id: number }>(
      `INSERT INTO tenants (slug, name, plan, status) VALUES ('acme-events', 'Acme Events', 'ENTERPRISE', 'ACTIVE'), ('third-events', 'Third Events', 'ENTERPRISE', 'ACTIVE')
       RETURNING id::int AS id`,
    );
  });
  afterAll(async () => sdb?.close());

  it('should leave the indexes there and nothing written when a seed fails after it dropped them', async () => {
    const before = await trigramIndexes(sdb.testDb);
    await expect(
      seed(acme, 300, (p) => {
        if (p.phase === 'events') throw new Error('interrupted while writing events');
      }),
    ).rejects.toThrow('interrupted while writing events');
    const after = await trigramIndexes(sdb.testDb);
    expect(after.map((i) => [i.name, i.valid, i.relfilenode])).toEqual(before.map((i) => [i.name, true, i.relfilenode]));
    const [{ n }] = await sdb.testDb.query<{ n: string }>('SELECT count(*) AS n FROM clients');
    expect(Number(n)).toBe(0);
  });

  it("should rebuild them with the other tenants' rows when a seed at least doubles the table", async () => {
    await seed(acme, 300);
    const before = await trigramIndexes(sdb.testDb);
    await seed(DEFAULT_TENANT_ID, 400);
    const after = await trigramIndexes(sdb.testDb);
    expect(after.map((i) => [i.name, i.valid])).toEqual(TRIGRAM_INDEXES.map((name) => [name, true]));
    // Built anew (another file), holding acme's rows as well as the new ones.
    for (const index of after) expect([index.name, index.relfilenode]).not.toEqual([index.name, before.find((i) => i.name === index.name)?.relfilenode]);
    const indexed = await throughFullNameIndex('%an%');
    expect(indexed.plan).toContain('clients_full_name_trgm_idx');
    const [{ n }] = await sdb.testDb.query<{ n: string }>(`SELECT count(*) AS n FROM clients WHERE full_name ILIKE '%an%'`);
    expect(indexed.n).toBe(Number(n));
    expect(await tableCount(acme, '%an%')).toBeGreaterThan(10);
    expect(await searchCount(acme, '%an%')).toBe(await tableCount(acme, '%an%'));
    expect(await searchCount(DEFAULT_TENANT_ID, '%casey%')).toBe(await tableCount(DEFAULT_TENANT_ID, '%casey%'));
  });

  it('should fill them row by row, not rebuild them, when the table already holds more than the seed adds', async () => {
    const before = await trigramIndexes(sdb.testDb);
    await seed(third, 20);
    const after = await trigramIndexes(sdb.testDb);
    expect(after.map((i) => [i.name, i.valid, i.relfilenode])).toEqual(before.map((i) => [i.name, true, i.relfilenode]));
    expect(await searchCount(third, '%casey%')).toBeGreaterThan(0);
    expect(await searchCount(third, '%an%')).toBe(await tableCount(third, '%an%'));
  });
});
