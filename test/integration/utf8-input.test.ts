import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_JWT_SECRET } from '../support/cli';
import { FACTORY_PASSWORD, insertEmployee } from '../support/factories';
import { createTestDatabase, releaseEmbedded, type TestDatabase } from '../support/test-database';
import { login, type TestUser, userFor } from '../support/users';

/**
 * Bytes that are not UTF-8 (a Latin-1 file or terminal) are refused with exit 2 where they come
 * in, naming the line and column of a CSV file, the flag of a command line, or stdin, instead of
 * being stored as U+FFFD.
 */
const BIN = path.resolve(__dirname, '../../bin/epicevents.js');

/** Runs the binary through sh, so that argv carries the raw bytes printf makes (a JS string cannot). */
function runWithRawArgv(user: TestUser, shellArgs: string): { code: number | null; stdout: string; stderr: string } {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off', EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET, ...user.env };
  const result = spawnSync('sh', ['-c', `"$0" "$1" ${shellArgs}`, process.execPath, BIN], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('input that is not UTF-8', () => {
  let db: TestDatabase;
  let sales: TestUser;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events' });
    sales = userFor(db, 'bill@epic.events');
    await login(sales, FACTORY_PASSWORD);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-utf8-'));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await db.close();
  });

  const clients = async () => (await db.query<{ full_name: string }>('SELECT full_name FROM clients ORDER BY id')).map((row) => row.full_name);
  const latin1File = () => {
    const file = path.join(dir, 'latin1.csv');
    fs.writeFileSync(
      file,
      Buffer.from('full_name,email,phone,company_name\r\nAnn Lee,ann@lee.io,+33612345678,Lee\r\nRen\xe9 Char,rene@char.io,+33612345679,Ch\xe2teau SA\r\n', 'latin1'),
    );
    return file;
  };

  it('should refuse a Latin-1 CSV file with exit 2 naming the line and column, and import nothing', async () => {
    const result = await sales.run(['client', 'import', latin1File()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^line 3 \(full_name\): 0xE9 is not UTF-8 text .*save it as UTF-8$/m);
    expect(await clients()).toEqual([]);
  });

  it('should list the Latin-1 line in the JSON report with its column, and import the others with --skip-invalid', async () => {
    const result = await sales.run(['client', 'import', latin1File(), '--skip-invalid', '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({ rejected: [{ line: 3, field: 'full_name', reason: expect.stringMatching(/0xE9 is not UTF-8/) }], imported: 1, lines: 2 });
    expect(await clients()).toEqual(['Ann Lee']);
    expect((await clients()).join('')).not.toContain('\uFFFD');
    await db.query('DELETE FROM clients');
  });

  it('should refuse a flag value with a byte that is not UTF-8 with exit 2 naming the flag, and write nothing', async () => {
    await releaseEmbedded(); // the binary opens the embedded folder itself
    const result = runWithRawArgv(sales, `client create --full-name "$(printf 'Bad\\377')" --email bad@x.io --phone +33612345678 --company Co`);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --full-name is not valid UTF-8 text/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await clients()).toEqual([]);
  });

  it('should refuse a file name argument that is not UTF-8 with exit 2 naming the argument', async () => {
    await releaseEmbedded(); // the binary opens the embedded folder itself
    const result = runWithRawArgv(sales, `client import "$(printf 'clients-\\351.csv')"`);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/<file> is not valid UTF-8 text/);
  });

  it('should refuse a password on stdin that is not UTF-8 with exit 2, before checking it', async () => {
    const result = await sales.run(['login', '--email', 'bill@epic.events', '--password-stdin'], { stdin: Buffer.from('Passw\xf6rd-of-2031\n', 'latin1') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/stdin is not valid UTF-8 text/);
    const [row] = await db.query<{ failed_login_count: number }>(`SELECT failed_login_count FROM employees WHERE email = 'bill@epic.events'`);
    expect(row.failed_login_count).toBe(0);
  });
});
