import { Database } from '../../src/database/database';
import { DEFAULT_TENANT } from '../../src/domain/tenancy';
import { createTestDatabase, holdEmbedded, type TestDatabase } from './test-database';
import { type Queryable, queryable } from './factories';

/** A private migrated database opened in-process, for service-level tests. */
export interface ServiceDatabase {
  testDb: TestDatabase;
  db: Database;
  /** SQL through the same connection pool (PGlite allows one opener per data folder). */
  sql: Queryable;
  /** True on a PostgreSQL server (TEST_DATABASE_URL), where concurrent transactions really interleave. */
  server: boolean;
  close(): Promise<void>;
}

export async function openServiceDatabase(): Promise<ServiceDatabase> {
  const testDb = await createTestDatabase();
  // On the embedded engine, the folder's one opener is the test file's (test-database.ts).
  const db = testDb.url ? await Database.open({ databaseUrl: testDb.url, dataDir: '', scope: { tenant: DEFAULT_TENANT } }) : await holdEmbedded(testDb.dataDir!);
  return {
    testDb,
    db,
    sql: queryable(db),
    server: Boolean(testDb.url),
    close: async () => {
      if (testDb.url) await db.close();
      await testDb.close();
    },
  };
}
