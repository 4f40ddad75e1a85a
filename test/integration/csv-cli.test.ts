import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvParser } from '../../src/csv/csv-parser';
import { TEST_JWT_SECRET } from '../support/cli';
import { insertClient, insertContract, insertEvent } from '../support/factories';
import { createTestDatabase, releaseEmbedded, type TestDatabase } from '../support/test-database';
import { initManager, loggedIn, type TestUser } from '../support/users';
import { expectOneLineError } from '../support/assertions';

/**
 * `client import` and `client|contract|event export --csv` through the CLI (on a terminal, the real
 * binary under script(1)): what a user sees, what is written (and that nothing is when a file is
 * refused), and a round trip from one database to another (on the embedded engine, two folders
 * open in this process at once).
 */
let db: TestDatabase;
let manager: TestUser;
let sales: TestUser & { id: number };
let otherSales: TestUser & { id: number };
let support: TestUser & { id: number };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-csv-'));

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
  sales = await loggedIn(db, 'SALES', 'bill@epic.events');
  otherSales = await loggedIn(db, 'SALES', 'olga@epic.events', { firstName: 'olga', lastName: 'Test' });
  support = await loggedIn(db, 'SUPPORT', 'kate@epic.events');
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, text);
  return target;
}

const regexEscape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function records(csv: string): string[][] {
  const parser = new CsvParser();
  return [...parser.push(csv), ...parser.end()].map((r) => r.fields);
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params);
  return Number(row.n);
}

const HEADER = 'full_name,email,phone,company_name\r\n';

describe('client import', () => {
  it('should import a good file (BOM, CRLF, header in any case and order, extra columns, quoted fields), owned by the importer', async () => {
    const text =
      '\ufeffEmail,Company_Name,FULL_NAME,notes,Phone\r\n' +
      'kevin@startup.io,"Cool Startup, LLC",Kevin Casey,met at a fair,+33 6 12 34 56 78\r\n' +
      'john@quick.fr,"Quick ""&"" Sons",John Quick,,06 12 34 56 79\r\n' +
      '"ann@lee.io","Lee\r\nHoldings",Ann Lee,"two\r\nlines",0612345680\r\n';
    const before = await count(`audit_log WHERE action = 'client.import'`);
    const result = await sales.run(['client', 'import', file('good.csv', text)]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toBe('imported 3 clients (yours) from 3 lines\n');
    const rows = await db.query(`SELECT full_name, email, phone, company_name, sales_contact_id FROM clients WHERE email IN ('kevin@startup.io', 'john@quick.fr', 'ann@lee.io') ORDER BY id`);
    expect(rows).toEqual([
      { full_name: 'Kevin Casey', email: 'kevin@startup.io', phone: '+33612345678', company_name: 'Cool Startup, LLC', sales_contact_id: sales.id },
      { full_name: 'John Quick', email: 'john@quick.fr', phone: '+33612345679', company_name: 'Quick "&" Sons', sales_contact_id: sales.id },
      { full_name: 'Ann Lee', email: 'ann@lee.io', phone: '+33612345680', company_name: 'Lee\r\nHoldings', sales_contact_id: sales.id },
    ]);
    expect(await count(`audit_log WHERE action = 'client.import'`)).toBe(before + 1); // one entry, not one per row
  });

  it('should write nothing when one line is invalid, list every rejected line on stderr and exit 2', async () => {
    const text = HEADER + 'Good One,good1@example.com,0612345601,Co\r\nBad Email,not-an-email,0612345602,Co\r\n,blank-name@example.com,12,Co\r\nGood Two,good2@example.com,0612345603,Co\r\n';
    const before = await count('clients');
    const result = await sales.run(['client', 'import', file('bad.csv', text)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'line 3 (email): email must be a valid email address like name@example.com (got "not-an-email")',
      'line 4 (full_name): full_name cannot be empty',
      'line 4 (phone): phone must be a valid phone number, e.g. +33 6 12 34 56 78 (got "12")',
      'error: 2 lines of 4 rejected; nothing imported (fix them, or pass --skip-invalid to import the valid lines only)',
    ]);
    expect(await count('clients')).toBe(before);
  });

  it('should give the rejected lines as one JSON document with --json, and the error on stderr', async () => {
    const text = HEADER + 'Good,json-good@example.com,0612345604,Co\r\nBad,json-bad,0612345605,Co\r\n';
    const before = await count('clients');
    const result = await sales.run(['client', 'import', file('bad-json.csv', text), '--json']);
    expect(result.code).toBe(2);
    expect(result.json()).toEqual({
      rejected: [{ line: 3, field: 'email', reason: 'email must be a valid email address like name@example.com (got "json-bad")' }],
      imported: 0,
      lines: 2,
    });
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'validation', message: '1 line of 2 rejected; nothing imported' } });
    expect(await count('clients')).toBe(before);
  });

  it('should import exactly the valid lines with --skip-invalid, reporting duplicates in the file and in the database', async () => {
    await insertClient(db, { salesContactId: otherSales.id, email: 'taken@example.com' });
    const text =
      HEADER +
      'Mixed One,mixed1@example.com,0612345611,Co\r\n' + // 2: good
      'Mixed Bad,mixed-bad,0612345612,Co\r\n' + // 3: invalid email
      'Mixed Two,MIXED1@example.com,0612345613,Co\r\n' + // 4: duplicate of line 2
      'Mixed Three,Taken@Example.com,0612345614,Co\r\n' + // 5: an existing client
      'Mixed Four,mixed4@example.com,0612345615,Co\r\n'; // 6: good
    const result = await sales.run(['client', 'import', file('mixed.csv', text), '--skip-invalid', '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({
      rejected: [
        { line: 3, field: 'email', reason: expect.stringMatching(/valid email/) },
        { line: 4, field: 'email', reason: 'MIXED1@example.com is already on line 2 of this file' },
        { line: 5, field: 'email', reason: 'a client with the email Taken@Example.com already exists' },
      ],
      imported: 2,
      lines: 5,
    });
    const imported = await db.query<{ email: string }>(`SELECT email FROM clients WHERE email ILIKE 'mixed%' ORDER BY email`);
    expect(imported.map((r) => r.email)).toEqual(['mixed1@example.com', 'mixed4@example.com']);
  });

  it('should say how many lines it skipped on a terminal-less run with --skip-invalid', async () => {
    const result = await sales.run(['client', 'import', file('skip.csv', `${HEADER}Skip Good,skip@example.com,0612345621,Co\r\nx,y,z,w\r\n`), '--skip-invalid']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('imported 1 client (yours) from 2 lines; 1 line rejected (listed on stderr)\n');
    expect(result.stderr).toMatch(/^line 3 \(full_name\)|^line 3 \(email\)/);
  });

  it('should draw a progress bar on stderr when it is a terminal, and erase it at the end', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => `Progress ${i},progress-${i}@example.com,+336${String(20_000_000 + i)},Co\r\n`).join('');
    const csv = file('progress.csv', HEADER + lines);
    const command = [process.execPath, path.resolve(__dirname, '../../bin/epicevents.js'), 'client', 'import', csv].map((a) => `'${a}'`).join(' ');
    // script(1) runs the command in a pseudo-terminal and copies everything it writes, escapes included.
    await releaseEmbedded(); // script(1) runs the binary, which opens the embedded folder itself
    const screen = execFileSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...sales.env, NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off', EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET }, encoding: 'utf8' });
    const ERASE = '\r\u001b[K'; // back to the start of the line, erase it
    // The share of the file read as a bar of 30 columns (Unicode blocks or #), then the lines the database has taken.
    expect(screen).toMatch(new RegExp(`${regexEscape(ERASE)}importing: \\[[█▏▎▍▌▋▊▉# ]{30}\\] \\d{1,3}%, [\\d,]+ lines imported…`));
    expect(screen).toContain(`${ERASE}imported 2500 clients (yours) from 2500 lines`);
  });

  it('should read the file from stdin with -', async () => {
    const result = await sales.run(['client', 'import', '-'], { stdin: `${HEADER}Piped In,piped@example.com,0612345631,Co\r\n` });
    expect(result.code).toBe(0);
    expect(await count(`clients WHERE email = 'piped@example.com' AND sales_contact_id = $1`, [sales.id])).toBe(1);
  });

  it('should refuse a file without the phone column with exit 2 and one line, writing nothing', async () => {
    const before = await count('clients');
    const result = await sales.run(['client', 'import', file('no-phone.csv', 'full_name,email,company_name\r\nA,a@example.com,Co\r\n')]);
    expectOneLineError(result, 2, /the header lacks the column phone/);
    expect(await count('clients')).toBe(before);
  });

  it('should refuse a file that cannot be read with exit 2', async () => {
    expectOneLineError(await sales.run(['client', 'import', path.join(dir, 'missing.csv')]), 2, /cannot read .*missing\.csv: no such file/);
    expectOneLineError(await sales.run(['client', 'import', dir]), 2, /not a file/);
  });

  it.each([
    ['MANAGEMENT', () => manager],
    ['SUPPORT', () => support],
  ])('should refuse %s with exit 4 before even opening the file', async (_, user) => {
    const before = await count('clients');
    expectOneLineError(await user().run(['client', 'import', path.join(dir, 'does-not-exist.csv')]), 4, /permission denied/);
    expectOneLineError(await user().run(['client', 'import', file('ok.csv', `${HEADER}Nope,nope@example.com,0612345699,Co\r\n`)]), 4, /permission denied/);
    expect(await count('clients')).toBe(before);
  });
});

describe('export --csv', () => {
  it('should write RFC 4180 CSV: a header, CRLF, quotes where needed, and formula-like cells defused', async () => {
    const client = await insertClient(db, {
      salesContactId: otherSales.id,
      fullName: '=HYPERLINK("http://evil.test","click")',
      email: 'formula@example.com',
      companyName: '@SUM(A1:A9), "Ltd"',
    });
    const result = await manager.run(['client', 'export', '--csv', '--sales', String(otherSales.id), '--search', 'formula@']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\r\n');
    expect(lines[0]).toBe('id,full_name,email,phone,company_name,sales_contact_id,sales_contact_name,created_at,updated_at');
    expect(lines[1]).toMatch(
      new RegExp(`^${client.id},"'=HYPERLINK\\(""http://evil.test"",""click""\\)",formula@example.com,'\\+33612345678,"'@SUM\\(A1:A9\\), ""Ltd""",${otherSales.id},olga Test,`),
    );
    expect(lines[2]).toBe('');
    expect(lines).toHaveLength(3);
  });

  it('should write control characters as stored when piped, and as visible escapes on a terminal', async () => {
    await insertClient(db, { salesContactId: otherSales.id, fullName: 'Bell\u0007 and \u001b[31mred', email: 'control@example.com' });
    const piped = await manager.run(['client', 'export', '--csv', '--search', 'control@']);
    expect(piped.stdout).toContain('Bell\u0007 and \u001b[31mred');
    const command = [process.execPath, path.resolve(__dirname, '../../bin/epicevents.js'), 'client', 'export', '--csv', '--search', 'control@'].map((a) => `'${a}'`).join(' ');
    await releaseEmbedded(); // script(1) runs the binary, which opens the embedded folder itself
    const screen = execFileSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...manager.env, NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off', EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET }, encoding: 'utf8' });
    expect(screen).toContain('Bell\\u{7} and \\u{1b}[31mred');
    expect(screen).not.toContain('\u001b');
  });

  it('should page through the whole list with keyset queries, every row once, in id order', async () => {
    const [{ n }] = await db.query<{ n: string }>(
      `WITH made AS (
         INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id)
         SELECT 'Bulk ' || g, 'bulk-' || g || '@example.com', '+33612345678', 'Bulk Co', $1 FROM generate_series(1, 2345) g RETURNING id)
       SELECT count(*) AS n FROM made`,
      [otherSales.id],
    );
    expect(Number(n)).toBe(2345);
    const result = await otherSales.run(['client', 'export', '--mine', '--csv']);
    expect(result.code).toBe(0);
    const rows = records(result.stdout).slice(1);
    expect(rows).toHaveLength(await count('clients WHERE sales_contact_id = $1', [otherSales.id]));
    const ids = rows.map((r) => Number(r[0]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should apply the list filters to contracts and events', async () => {
    const client = await insertClient(db, { salesContactId: sales.id, fullName: 'Filter Client' });
    const signed = await insertContract(db, { clientId: client.id, salesContactId: sales.id, totalAmount: '1500.50', amountDue: '500.25', isSigned: true });
    await insertContract(db, { clientId: client.id, salesContactId: sales.id, totalAmount: '99.99', isSigned: false });
    await insertEvent(db, { contractId: signed.id, name: '-Minus gala', notes: '+notes, with "quotes"', supportContactId: null });
    await insertEvent(db, { contractId: signed.id, name: 'Supported', supportContactId: support.id });

    const contracts = records((await sales.run(['contract', 'export', '--client', String(client.id), '--signed', '--csv'])).stdout);
    expect(contracts[0]).toEqual(['id', 'client_id', 'client_name', 'sales_contact_id', 'sales_contact_name', 'total_amount', 'amount_due', 'is_signed', 'signed_at', 'created_at', 'updated_at']);
    expect(contracts.slice(1).map((r) => [r[0], r[5], r[6], r[7]])).toEqual([[String(signed.id), '1500.50', '500.25', 'true']]);

    const events = records((await manager.run(['event', 'export', '--contract', String(signed.id), '--no-support', '--csv'])).stdout);
    expect(events).toHaveLength(2);
    expect(events[1][1]).toBe("'-Minus gala");
    expect(events[1][13]).toBe('\'+notes, with "quotes"');
    expect(events[1][7]).toBe(''); // no support: an empty cell
  });

  it('should refuse without --csv, and with --json, with exit 2 and one line', async () => {
    expectOneLineError(await manager.run(['client', 'export']), 2, /add --csv/);
    expectOneLineError(await manager.run(['event', 'export', '--csv', '--json']), 2, /--json and --csv/);
    expectOneLineError(await manager.run(['contract', 'export', '--mine', '--csv']), 2, /--mine/);
  });

  it('should round-trip: clients exported from one database import into a fresh one as the same rows', async () => {
    const exported = await sales.run(['client', 'export', '--mine', '--csv']);
    expect(exported.code).toBe(0);
    const other = await createTestDatabase();
    try {
      await initManager(other);
      const importer = await loggedIn(other, 'SALES', 'round@epic.events');
      const imported = await importer.run(['client', 'import', file('round-trip.csv', exported.stdout)]);
      expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
      const columns = 'full_name, email, phone, company_name';
      const source = await db.query(`SELECT ${columns} FROM clients WHERE sales_contact_id = $1 ORDER BY email`, [sales.id]);
      const target = await other.query(`SELECT ${columns} FROM clients ORDER BY email`);
      expect(target).toEqual(source);
      expect(source.length).toBeGreaterThan(5);
    } finally {
      await other.close();
    }
  });
});
