import { Readable } from 'node:stream';
import { type Actor } from '../../src/auth/actor';
import { readCsv } from '../../src/csv/csv-parser';
import { CliError } from '../../src/errors/cli-error';
import { type ImportRejection, type ImportSummary, importClients } from '../../src/services/client-import.service';
import { actorFor, type EmployeeRow, insertClient, insertEmployee } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

/**
 * The import service with tiny batches, so that every rule that spans batches (duplicates of an
 * earlier batch, the rollback of rows already inserted) is exercised on a few lines.
 */
let sdb: ServiceDatabase;
let salesRow: EmployeeRow;
let sales: Actor;

beforeAll(async () => {
  sdb = await openServiceDatabase();
  salesRow = await insertEmployee(sdb.sql, { role: 'SALES' });
  sales = actorFor(salesRow);
  await insertClient(sdb.sql, { salesContactId: salesRow.id, email: 'existing@example.com' });
});
afterAll(async () => sdb.close());

const HEADER = 'full_name,email,phone,company_name\n';
const line = (n: number, email = `person-${n}@example.com`) => `Person ${n},${email},+33 6 12 34 56 ${String(n).padStart(2, '0')},Company ${n}\n`;

async function importText(text: string, skipInvalid = false, batchSize = 3): Promise<{ summary: ImportSummary; rejected: ImportRejection[] }> {
  const rejected: ImportRejection[] = [];
  const summary = await importClients(sdb.db, sales, readCsv(Readable.from([text])), { skipInvalid, batchSize, onRejected: (r) => void rejected.push(...r) });
  return { summary, rejected };
}

const clientCount = async () => Number(((await sdb.sql.query('SELECT count(*) AS n FROM clients')) as { n: string }[])[0].n);
const emails = async (pattern: string) =>
  ((await sdb.sql.query('SELECT email FROM clients WHERE email LIKE $1 ORDER BY email', [pattern])) as { email: string }[]).map((r) => r.email);

describe('importClients', () => {
  it('should import every line of a good file across several batches, owned by the importer', async () => {
    const text = HEADER + [1, 2, 3, 4, 5, 6, 7].map((n) => line(n, `good-${n}@example.com`)).join('');
    const { summary, rejected } = await importText(text);
    expect(summary).toEqual({ lines: 7, imported: 7, rejectedLines: 0, refused: false });
    expect(rejected).toEqual([]);
    const owners = (await sdb.sql.query(`SELECT DISTINCT sales_contact_id AS id FROM clients WHERE email LIKE 'good-%'`)) as { id: number }[];
    expect(owners.map((o) => Number(o.id))).toEqual([salesRow.id]);
  });

  it('should store values normalised by the rules of client create (trimmed, E.164)', async () => {
    await importText(`${HEADER}  Kevin Casey  , kevin.casey@startup.io ,06 12 34 56 78,Cool Startup LLC\n`);
    expect(await sdb.sql.query(`SELECT full_name, email, phone, company_name FROM clients WHERE email = 'kevin.casey@startup.io'`)).toEqual([
      { full_name: 'Kevin Casey', email: 'kevin.casey@startup.io', phone: '+33612345678', company_name: 'Cool Startup LLC' },
    ]);
  });

  it('should find a duplicate of a line of an earlier batch, and one of the same batch with its line number', async () => {
    const text =
      HEADER +
      line(1, 'dup-a@example.com') + // line 2, batch 1
      line(2, 'dup-b@example.com') +
      line(3, 'DUP-B@example.com') + // line 4: same batch as line 3
      line(4, 'dup-c@example.com') + // batch 2
      line(5, 'Dup-A@Example.com') + // line 6: duplicate of line 2, an earlier batch
      line(6, 'EXISTING@example.com'); // line 7: already a client
    const { summary, rejected } = await importText(text, true);
    expect(rejected).toEqual([
      { line: 4, field: 'email', reason: 'DUP-B@example.com is already on line 3 of this file' },
      { line: 6, field: 'email', reason: 'Dup-A@Example.com is already on an earlier line of this file' },
      { line: 7, field: 'email', reason: 'a client with the email EXISTING@example.com already exists' },
    ]);
    expect(summary).toMatchObject({ lines: 6, imported: 3, rejectedLines: 3 });
    expect(await emails('dup-%')).toEqual(['dup-a@example.com', 'dup-b@example.com', 'dup-c@example.com']);
  });

  it('should roll back the batches already inserted when a later line is invalid, reporting every problem', async () => {
    const before = await clientCount();
    const text = HEADER + [1, 2, 3, 4, 5].map((n) => line(n, `rollback-${n}@example.com`)).join('') + 'Bad,not-an-email,123,Co\n' + line(7, 'rollback-1@example.com');
    const { summary, rejected } = await importText(text);
    expect(summary).toEqual({ lines: 7, imported: 0, rejectedLines: 2, refused: true });
    expect(rejected.map((r) => [r.line, r.field])).toEqual([
      [7, 'email'],
      [7, 'phone'],
      [8, 'email'],
    ]);
    expect(await clientCount()).toBe(before);
  });

  it('should write no audit entry for a refused import and one, with the count, for a good one', async () => {
    const audits = async () => (await sdb.sql.query(`SELECT changes FROM audit_log WHERE action = 'client.import' ORDER BY id`)) as { changes: unknown }[];
    const before = (await audits()).length;
    await importText(HEADER + line(1, 'audit-1@example.com') + 'x,y,z,w\n');
    expect(await audits()).toHaveLength(before);
    await importText(HEADER + line(1, 'audit-1@example.com') + line(2, 'audit-2@example.com'));
    const after = await audits();
    expect(after).toHaveLength(before + 1);
    expect(after[after.length - 1].changes).toEqual({ imported: { before: null, after: 2 } });
  });

  it('should report a line with too few fields and a broken quote, each on its own line', async () => {
    const { rejected } = await importText(`${HEADER}Only Name,short@example.com\n"Open, quote,x@example.com,+33612345678,Co\n`, true);
    expect(rejected).toEqual([
      { line: 2, field: 'phone', reason: 'missing: the line has 2 fields' },
      { line: 2, field: 'company_name', reason: 'missing: the line has 2 fields' },
      { line: 3, field: null, reason: expect.stringMatching(/never closed/) },
    ]);
  });

  it.each([
    ['an empty file', '', /file is empty/],
    ['a file with only a byte-order mark and blank lines', '\ufeff\r\n\r\n', /file is empty/],
    ['a missing column', `full_name,email,company_name\n${line(1, 'never@example.com')}`, /lacks the column phone/],
    ['two missing columns', `name,email\n${line(1, 'never@example.com')}`, /lacks the columns full_name, phone, company_name/],
    ['a column named twice', `full_name,email,phone,company_name,EMAIL\n${line(1, 'never@example.com')}`, /names the column email twice/],
  ])('should refuse %s with a validation error before writing anything', async (_, text, message) => {
    const before = await clientCount();
    const refusal = importText(text);
    await expect(refusal).rejects.toThrow(CliError);
    await expect(refusal).rejects.toThrow(message);
    expect(await clientCount()).toBe(before);
  });

  it('should refuse a non-SALES employee', async () => {
    const manager = actorFor(await insertEmployee(sdb.sql, { role: 'MANAGEMENT' }));
    await expect(importClients(sdb.db, manager, readCsv(Readable.from([HEADER])), { skipInvalid: false, onRejected: () => undefined })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('should refuse a SALES employee deactivated since they logged in, writing nothing', async () => {
    const gone = await insertEmployee(sdb.sql, { role: 'SALES', isActive: false });
    const before = await clientCount();
    await expect(
      importClients(sdb.db, actorFor(gone), readCsv(Readable.from([HEADER + line(1, 'ghost@example.com')])), { skipInvalid: true, onRejected: () => undefined }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await clientCount()).toBe(before);
  });
});
