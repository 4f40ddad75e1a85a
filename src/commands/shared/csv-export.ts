import { type OptionSpec } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { type CsvValue, csvRecord } from '../../csv/csv-writer';
import { usageError } from '../../errors/cli-error';
import { writeChunk } from '../../output/stream-write';
import { neutralise } from '../../output/terminal-text';
import { type CommandResult, STREAMED } from '../../output/view';
import { type Page, type PageRequest } from '../../backend/backend';
import { flagSet } from './flags';

export const CSV_OPTION: OptionSpec = { flags: '--csv', description: 'write RFC 4180 CSV with a header line (the only export format for now)' };

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

/** Rows fetched per keyset query. */
const EXPORT_PAGE_SIZE = 1000;

/** `--csv` is required (the one format for now) and stdout holds CSV, so `--json` cannot apply. */
export function assertCsvFormat(ctx: CommandContext, options: Record<string, unknown>): void {
  if (!flagSet(options, 'csv')) throw usageError('choose an export format: add --csv (the only one for now)');
  if (ctx.globals.json) throw usageError('--json and --csv cannot be used together: an export writes CSV');
}

/**
 * Streams a whole list as CSV on stdout: the header, then page after page of the list service
 * (keyset paging, so the cost per page stays flat and a row added meanwhile never repeats one),
 * each page written before the next is read.
 */
export async function streamCsv<T>(
  ctx: CommandContext,
  columns: CsvColumn<T>[],
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
): Promise<CommandResult> {
  const stdout = ctx.output.streams.stdout;
  // Piped or redirected, the data goes out as stored; shown on a terminal, a control character
  // in a name must not steer it (it is written as a visible escape instead).
  const cell = stdout.isTTY ? (value: CsvValue) => (typeof value === 'string' ? neutralise(value) : value) : (value: CsvValue) => value;
  // The first page is read before the header is written: a refused filter leaves stdout empty.
  let page = await fetchPage({ limit: EXPORT_PAGE_SIZE });
  await writeChunk(stdout, csvRecord(columns.map((c) => c.header)));
  for (;;) {
    await writeChunk(stdout, page.items.map((row) => csvRecord(columns.map((c) => cell(c.value(row))))).join(''));
    if (page.nextCursor === undefined) return STREAMED;
    page = await fetchPage({ limit: EXPORT_PAGE_SIZE, cursor: page.nextCursor });
  }
}
