import { type OptionSpec, type ParseContext } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { type CsvColumn, csvChunks } from '../../csv/csv-export';
import { type CsvValue } from '../../csv/csv-writer';
import { usageError } from '../../errors/cli-error';
import { writeChunk } from '../../output/stream-write';
import { neutralise } from '../../output/terminal-text';
import { type CommandResult, STREAMED } from '../../output/view';
import { type Page, type PageRequest } from '../../backend/backend';
import { flagSet } from './flags';

export const CSV_OPTION: OptionSpec = { flags: '--csv', description: 'write RFC 4180 CSV with a header line (the only export format for now)' };

/** `--csv` is required (the one format for now) and stdout holds CSV, so `--json` cannot apply. */
export function assertCsvFormat(options: Record<string, unknown>, how: ParseContext): void {
  if (!flagSet(options, 'csv')) throw usageError('choose an export format: add --csv (the only one for now)');
  if (how.globals.json) throw usageError('--json and --csv cannot be used together: an export writes CSV');
}

/** Streams a whole list as CSV on stdout, each page written before the next is read. */
export async function streamCsv<T>(
  ctx: CommandContext,
  columns: CsvColumn<T>[],
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
): Promise<CommandResult> {
  const stdout = ctx.output.streams.stdout;
  // Piped or redirected, the data goes out as stored; shown on a terminal, a control character
  // in a name must not steer it (it is written as a visible escape instead).
  const cell = stdout.isTTY ? (value: CsvValue) => (typeof value === 'string' ? neutralise(value) : value) : undefined;
  for await (const chunk of csvChunks(columns, fetchPage, cell)) await writeChunk(stdout, chunk);
  return STREAMED;
}
