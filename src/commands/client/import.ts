import fs from 'node:fs';
import { type RunFunction } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { validationError } from '../../errors/cli-error';
import { terminalSafeJson } from '../../output/output';
import { writeChunk } from '../../output/stream-write';
import { neutralise } from '../../output/terminal-text';
import { message, STREAMED } from '../../output/view';
import { type ImportRejection, type ImportSummary } from '../../backend/backend';
import { bar, type Charset, charsetFor } from '../report/charts';
import { flagSet } from '../shared/flags';

export const run: RunFunction = async (ctx, { args, options }) => {
  const file = args[0];
  const { stream: source, file: opened } = await openSource(ctx, file);
  const report = ctx.globals.json ? new JsonReport(ctx.output.streams.stdout) : new TextReport(ctx, opened);
  let summary: ImportSummary | undefined;
  try {
    summary = await (await ctx.backend()).clients.import(source, {
      skipInvalid: flagSet(options, 'skipInvalid'),
      onRejected: (rejections) => report.rejected(rejections),
      onProgress: (lines) => report.progress(lines),
    });
  } finally {
    opened?.stream.destroy();
    report.stopProgress();
    await report.finish(summary);
  }
  if (!summary) throw new Error('the import ended without a summary');
  if (summary.refused) {
    throw validationError(
      `${plural(summary.rejectedLines, 'line')} of ${summary.lines} rejected; nothing imported`,
      'fix them, or pass --skip-invalid to import the valid lines only',
    );
  }
  if (ctx.globals.json) return STREAMED;
  const rejected = summary.rejectedLines > 0 ? `; ${plural(summary.rejectedLines, 'line')} rejected (listed on stderr)` : '';
  return message(`imported ${plural(summary.imported, 'client')} (yours) from ${plural(summary.lines, 'line')}${rejected}`);
};

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A file being read, and its size: how far the import has got. */
interface OpenedFile {
  stream: fs.ReadStream;
  size: number;
}

/** The file as a byte stream (`-` is stdin); a file that cannot be read is a usage error (exit 2), before any write. */
async function openSource(ctx: CommandContext, file: string): Promise<{ stream: NodeJS.ReadableStream; file?: OpenedFile }> {
  if (file === '-') return { stream: ctx.stdin };
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    throw validationError(`cannot read ${neutralise(file)}: ${reason(error)}`);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw validationError(`cannot read ${neutralise(file)}: not a file`);
  }
  const stream = handle.createReadStream({ highWaterMark: 256 * 1024 });
  return { stream, file: { stream, size: stat.size } };
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'not a file';
  return (error as Error).message.split('\n')[0];
}

interface Report {
  rejected(rejections: ImportRejection[]): Promise<void>;
  progress(lines: number): void;
  stopProgress(): void;
  /** Ends the report; `summary` is undefined when the import was refused or failed (nothing written). */
  finish(summary: ImportSummary | undefined): Promise<void>;
}

const PROGRESS_BAR_WIDTH = 30;

/**
 * For a person: each rejected line on stderr as it is found, and a progress line when stderr is a
 * terminal, with a bar of the bytes read when the file's size is known (not for stdin).
 */
class TextReport implements Report {
  private readonly stderr: CommandContext['output']['streams']['stderr'];
  private readonly charset: Charset;
  private shown = false;
  private lastDrawn = 0;

  constructor(
    ctx: CommandContext,
    private readonly file?: OpenedFile,
  ) {
    this.stderr = ctx.output.streams.stderr;
    this.charset = charsetFor(ctx.env, false);
  }

  async rejected(rejections: ImportRejection[]): Promise<void> {
    this.stopProgress();
    const text = rejections.map((r) => `line ${r.line}${r.field ? ` (${r.field})` : ''}: ${neutralise(r.reason)}\n`).join('');
    await writeChunk(this.stderr, text);
  }

  progress(lines: number): void {
    if (!this.stderr.isTTY) return;
    const now = Date.now();
    if (now - this.lastDrawn < 200) return;
    this.lastDrawn = now;
    this.shown = true;
    this.stderr.write(`\r\x1b[Kimporting: ${this.gauge()}${lines.toLocaleString('en')} lines imported…`);
  }

  /** `[█████▌    ] 55%, ` from the bytes read of a file; nothing for stdin, whose size is unknown. */
  private gauge(): string {
    const size = this.file?.size ?? 0;
    if (!this.file || size === 0) return '';
    const done = Math.min(this.file.stream.bytesRead, size);
    return `[${bar(done, size, PROGRESS_BAR_WIDTH, this.charset).padEnd(PROGRESS_BAR_WIDTH)}] ${Math.floor((done / size) * 100)}%, `;
  }

  stopProgress(): void {
    if (!this.shown) return;
    this.shown = false;
    this.stderr.write('\r\x1b[K');
  }

  async finish(): Promise<void> {}
}

/**
 * With --json, stdout is one document, `{"rejected":[…],"imported":N,"lines":N}`, written as the
 * rejections arrive so a file with a million bad lines does not pile them up in memory. Nothing
 * is printed when the file is refused before its first line (a missing column, an unreadable file).
 */
class JsonReport implements Report {
  private opened = false;
  private first = true;

  constructor(private readonly stdout: NodeJS.WritableStream) {}

  async rejected(rejections: ImportRejection[]): Promise<void> {
    let text = this.opened ? '' : '{\n  "rejected": [';
    this.opened = true;
    for (const r of rejections) {
      text += `${this.first ? '' : ','}\n    ${terminalSafeJson({ line: r.line, field: r.field, reason: r.reason })}`;
      this.first = false;
    }
    await writeChunk(this.stdout, text);
  }

  progress(): void {}

  stopProgress(): void {}

  async finish(summary: ImportSummary | undefined): Promise<void> {
    if (!summary && !this.opened) return;
    const head = this.opened ? '\n  ],' : '{\n  "rejected": [],';
    await writeChunk(this.stdout, `${head}\n  "imported": ${summary?.imported ?? 0},\n  "lines": ${summary?.lines ?? 0}\n}\n`);
  }
}
