import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { embeddedTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, type TestUser } from '../support/users';

/**
 * The embedded engine serves one process per data folder. Commands started at the same time take
 * turns (a lock file beside the folder) instead of each working on its own copy and overwriting
 * the other's writes. Runs on the embedded engine whatever TEST_DATABASE_URL says: the folder is
 * this file's own.
 */
let db: TestDatabase & { dataDir: string };
let manager: TestUser;

beforeAll(async () => {
  db = embeddedTestDatabase();
  manager = await initManager(db);
}, 120_000);
afterAll(async () => db.close());

describe('the embedded database used by several commands at once', () => {
  it('should keep the writes of every command, each waiting for the one before', async () => {
    const emails = [1, 2, 3, 4].map((n) => `parallel-${n}@epic.events`);
    const results = await Promise.all(
      emails.map((email) =>
        manager.run(['employee', 'create', '--first-name', 'Par', '--last-name', 'Allel', '--email', email, '--role', 'SUPPORT', '--json'], { timeoutMs: 90_000 }),
      ),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const rows = await db.query<{ email: string }>(`SELECT email FROM employees WHERE email LIKE 'parallel-%' ORDER BY email`);
    expect(rows.map((r) => r.email)).toEqual(emails);
    expect(fs.existsSync(`${db.dataDir}.lock`)).toBe(false);
  }, 120_000);

  it('should say on stderr that it waits for the process holding the database, then run', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(`${db.dataDir}.lock`, `${holder.pid}\n`);
      setTimeout(() => fs.unlinkSync(`${db.dataDir}.lock`), 1500);
      const result = await manager.run(['whoami', '--json']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(`waiting for another epicevents process (pid ${holder.pid}) to finish with the embedded database…\n`);
      expect(result.json()).toMatchObject({ email: 'ada@epic.events' });
    } finally {
      holder.kill();
    }
  });
});
