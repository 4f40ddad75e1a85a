import { type EntityManager } from 'typeorm';
import { type Actor } from '../auth/actor';
import { type CsvRecord } from '../csv/csv-parser';
import { unguardFormula } from '../csv/csv-writer';
import { type SqlRunner } from '../database/sql-runner';
import { assertRoomFor } from './tenant.service';
import { CliError, validationError } from '../errors/cli-error';
import { assertAllowed } from '../permissions/assert-allowed';
import { recordAudit } from './audit.service';
import { assertActiveSales, CLIENT_DETAIL_RULES, type NewClient } from './client.service';
import { returningRows } from './returning-rows';

/** The columns a client file must have, in any order and any letter case; other columns are ignored. */
export const IMPORT_COLUMNS: Record<keyof NewClient, string> = {
  fullName: 'full_name',
  email: 'email',
  phone: 'phone',
  companyName: 'company_name',
};

/** One problem with one line of the file. `field` is null when the whole line is unreadable. */
export interface ImportRejection {
  line: number;
  field: string | null;
  reason: string;
}

export interface ImportOptions {
  /** Import the valid rows and report the rest; by default one rejected line means nothing is written. */
  skipInvalid: boolean;
  /** Lines read per round trip (one multi-row INSERT). */
  batchSize?: number;
  /** Called with the problems of each batch, in line order, as soon as they are known. */
  onRejected: (rejections: ImportRejection[]) => void | Promise<void>;
  /**
   * Called once each batch is in the database (its rows inserted, its rejections reported), with
   * the data lines done so far: what a progress display shows as imported.
   */
  onProgress?: (linesDone: number) => void | Promise<void>;
}

export interface ImportSummary {
  /** Data lines read (the header and blank lines excluded). */
  lines: number;
  /** Clients written: 0 when the import was refused. */
  imported: number;
  rejectedLines: number;
  /** True when a rejected line made the whole import roll back (without `skipInvalid`): nothing was written. */
  refused: boolean;
}

interface ValidRow extends NewClient {
  line: number;
}

const DEFAULT_BATCH_SIZE = 1000;

/**
 * A SALES employee imports a file of clients; they become theirs. Rows are validated with the
 * rules of `client create`, emails must be new (case-insensitively, against the database and the
 * earlier lines of the file), and everything happens in one transaction: all or nothing by default,
 * only the valid rows with `skipInvalid`. One audit entry records the import and its count.
 *
 * The file is streamed: at any moment only one batch of lines is in memory, and while the database
 * inserts one batch the next is read and validated. Duplicates across batches are found by the
 * database (the unique index on the lower-case email also covers the rows this transaction has inserted).
 */
export async function importClients(db: SqlRunner, actor: Actor, records: AsyncIterable<CsvRecord>, options: ImportOptions): Promise<ImportSummary> {
  assertAllowed(actor, 'csv.import');
  assertAllowed(actor, 'client.create');
  // A tenant at its plan's limit learns it before the file is read; one that reaches it during
  // the import is refused by the database, and nothing is imported.
  await assertRoomFor(db, 'clients');
  const iterator = records[Symbol.asyncIterator]();
  const header = await iterator.next();
  const columns = columnIndexes(header);
  const headerNames = (header.value as CsvRecord).fields.map((name) => name.trim());
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const summary: ImportSummary = { lines: 0, imported: 0, rejectedLines: 0, refused: false };

  const rolledBack = await db
    .transaction(async (manager) => {
      // The role as the database says now, share-locked until commit, as for `client create`.
      await assertActiveSales(manager, actor.id, actor);
      let inFlight: Promise<void> | undefined;
      const flush = async (rows: ValidRow[], rejections: ImportRejection[]) => {
        if (inFlight) await inFlight;
        // The lines of this batch and those before it: the next batch is being read meanwhile.
        const linesDone = summary.lines;
        inFlight = insertBatch(manager, actor.id, rows, rejections).then(async ({ inserted, problems }) => {
          summary.imported += inserted;
          summary.rejectedLines += new Set(problems.map((p) => p.line)).size;
          if (problems.length > 0) await options.onRejected(problems);
          await options.onProgress?.(linesDone);
        });
        inFlight.catch(() => undefined); // awaited at the next flush or at the end
      };

      let rows: ValidRow[] = [];
      let rejections: ImportRejection[] = [];
      let read = 0;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        summary.lines += 1;
        read += 1;
        const checked = checkRecord(next.value, columns, headerNames);
        if (Array.isArray(checked)) rejections.push(...checked);
        else rows.push(checked);
        if (read === batchSize) {
          await flush(rows, rejections);
          rows = [];
          rejections = [];
          read = 0;
        }
      }
      if (read > 0) await flush(rows, rejections);
      if (inFlight) await inFlight;

      if (summary.rejectedLines > 0 && !options.skipInvalid) throw new RollBack();
      if (summary.imported > 0) {
        await recordAudit(manager, {
          actor,
          action: 'client.import',
          entityType: 'client',
          entityId: null,
          changes: { imported: { before: null, after: summary.imported } },
        });
      }
      return false;
    })
    .catch((error: unknown) => {
      if (error instanceof RollBack) return true;
      throw error;
    });

  return rolledBack ? { ...summary, imported: 0, refused: true } : summary;
}

/** Thrown inside the transaction to roll it back once every line has been checked. */
class RollBack extends Error {}

/** Where each required column is, from the header line; a missing column refuses the file (exit 2). */
function columnIndexes(header: IteratorResult<CsvRecord>): Record<keyof NewClient, number> {
  const expected = Object.values(IMPORT_COLUMNS).join(',');
  if (header.done) throw validationError(`the file is empty; its first line must be the header ${expected}`);
  if (header.value.error) throw validationError(`line ${header.value.line} (the header): ${header.value.error}`);
  const names = header.value.fields.map((name) => name.trim().toLowerCase());
  const indexes = {} as Record<keyof NewClient, number>;
  const missing: string[] = [];
  for (const [field, column] of Object.entries(IMPORT_COLUMNS) as [keyof NewClient, string][]) {
    const index = names.indexOf(column);
    if (index === -1) missing.push(column);
    else if (names.indexOf(column, index + 1) !== -1) throw validationError(`the header names the column ${column} twice`);
    indexes[field] = index;
  }
  if (missing.length > 0) {
    throw validationError(
      `the header lacks the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`,
      `the first line must name ${expected} (any order, any case)`,
    );
  }
  return indexes;
}

/** A valid row, or the problems of the line: every field that breaks a rule of `client create`. */
function checkRecord(record: CsvRecord, columns: Record<keyof NewClient, number>, headerNames: string[]): ValidRow | ImportRejection[] {
  if (record.error) {
    // A problem of one field (bytes that are not UTF-8) names its column, as the header does, or its position.
    const field = record.errorField === undefined ? null : (headerNames[record.errorField] ?? `column ${record.errorField + 1}`);
    return [{ line: record.line, field, reason: record.error }];
  }
  const row = { line: record.line } as ValidRow;
  const problems: ImportRejection[] = [];
  for (const rule of CLIENT_DETAIL_RULES) {
    const raw = record.fields[columns[rule.field]];
    if (raw === undefined) {
      problems.push({ line: record.line, field: IMPORT_COLUMNS[rule.field], reason: `missing: the line has ${record.fields.length} fields` });
      continue;
    }
    try {
      row[rule.field] = rule.parse(unguardFormula(raw));
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      // The rule names the field; in a file, that is its column.
      problems.push({ line: record.line, field: IMPORT_COLUMNS[rule.field], reason: error.render((field) => IMPORT_COLUMNS[field as keyof NewClient] ?? field).message });
    }
  }
  return problems.length > 0 ? problems : row;
}

/**
 * Inserts the valid rows of one batch with one statement; returns how many were written and the
 * batch's problems in line order: those found while reading plus the duplicate emails, skipped.
 */
async function insertBatch(
  manager: EntityManager,
  ownerId: number,
  rows: ValidRow[],
  rejections: ImportRejection[],
): Promise<{ inserted: number; problems: ImportRejection[] }> {
  const problems = [...rejections];
  const firstLine = new Map<string, number>();
  const unique: ValidRow[] = [];
  for (const row of rows) {
    // ASCII case only: the database's lower() may fold more, and catches what this misses.
    const key = row.email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
    const earlier = firstLine.get(key);
    if (earlier === undefined) {
      firstLine.set(key, row.line);
      unique.push(row);
    } else problems.push({ line: row.line, field: IMPORT_COLUMNS.email, reason: `${row.email} is already on line ${earlier} of this file` });
  }
  let inserted = 0;
  if (unique.length > 0) {
    // ON CONFLICT covers existing clients, earlier batches of this file and a client created meanwhile by someone else.
    const written = await returningRows<{ email: string }>(
      manager,
      `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id)
       SELECT t.full_name, t.email, t.phone, t.company_name, $5
       FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[]) AS t(full_name, email, phone, company_name)
       ON CONFLICT (tenant_id, email_key) DO NOTHING
       RETURNING email`,
      [unique.map((r) => r.fullName), unique.map((r) => r.email), unique.map((r) => r.phone), unique.map((r) => r.companyName), ownerId],
    );
    inserted = written.length;
    if (inserted < unique.length) {
      const emails = new Set(written.map((r) => r.email));
      problems.push(...(await duplicates(manager, unique.filter((row) => !emails.has(row.email)))));
    }
  }
  return { inserted, problems: problems.sort((a, b) => a.line - b.line) };
}

/** Says, for each row the INSERT skipped, whether an earlier line of this file or an existing client has its email. */
async function duplicates(manager: EntityManager, skipped: ValidRow[]): Promise<ImportRejection[]> {
  // xmin is the transaction that wrote a row: ours means an earlier line of this very file.
  const found: { email: string; ours: boolean }[] = await manager.query(
    `SELECT t.email, bool_or(c.xmin = pg_current_xact_id()::xid) AS ours
     FROM (SELECT email, lower(email) AS email_key FROM unnest($1::text[]) AS u(email)) t JOIN clients c ON c.email_key = t.email_key
     GROUP BY t.email`,
    [skipped.map((row) => row.email)],
  );
  const ours = new Set(found.filter((row) => row.ours).map((row) => row.email));
  return skipped.map((row) => ({
    line: row.line,
    field: IMPORT_COLUMNS.email,
    reason: ours.has(row.email) ? `${row.email} is already on an earlier line of this file` : `a client with the email ${row.email} already exists`,
  }));
}
