import { type CliError, type FieldNamer } from '../errors/cli-error';
import { displayWidth, neutralise, truncate, wrap } from './terminal-text';
import { type Column, type CommandResult, type HumanView } from './view';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface OutputMode {
  json: boolean;
  color: boolean;
}

const ANSI = { bold: '\x1b[1m', red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m', reset: '\x1b[0m' };
const MIN_COLUMN = 4;

/**
 * The one place that writes to the terminal. With --json, stdout receives exactly one JSON
 * document; everything meant for a person (hints, warnings, errors) goes to stderr.
 */
export class Output {
  constructor(
    readonly streams: OutputStreams,
    readonly mode: OutputMode,
  ) {}

  render(result: CommandResult): void {
    if (result.human.kind !== 'streamed') {
      this.streams.stdout.write(this.mode.json ? terminalSafeJson(result.json, 2) + '\n' : this.human(result.human));
    }
    for (const note of result.notes ?? []) this.note(note);
  }

  /** A line for the person at the terminal, never part of the data (stderr). */
  note(text: string): void {
    this.streams.stderr.write(`${this.paint(ANSI.dim, neutralise(text))}\n`);
  }

  warn(text: string): void {
    this.streams.stderr.write(`${this.paint(ANSI.yellow, 'warning:')} ${neutralise(text)}\n`);
  }

  /** The error on stderr, each field it names shown by `name` (the CLI passes the flag's name). */
  error(error: CliError, name: FieldNamer = (field) => field): void {
    const { message, hint } = error.render(name);
    if (this.mode.json) {
      const body: Record<string, string> = { code: error.code, message };
      if (hint) body.hint = hint;
      this.streams.stderr.write(terminalSafeJson({ error: body }) + '\n');
      return;
    }
    const shownHint = hint ? ` (${neutralise(hint)})` : '';
    this.streams.stderr.write(`${this.paint(ANSI.red, 'error:')} ${neutralise(message)}${shownHint}\n`);
  }

  private human(view: HumanView): string {
    switch (view.kind) {
      case 'message':
        return `${neutralise(view.text)}\n`;
      case 'text':
        return view.text.endsWith('\n') ? view.text : `${view.text}\n`;
      case 'streamed':
        return '';
      case 'record':
        return this.record(view.fields, view.title);
      case 'table': {
        if (view.rows.length === 0) return `${view.empty}\n`;
        const table = this.table(view.rows as never[], view.columns);
        return view.footer ? `${table}${view.footer}\n` : table;
      }
      default: {
        const unhandled: never = view;
        throw new Error(`unknown view ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private record(fields: [string, string][], title?: string): string {
    const labelWidth = Math.max(...fields.map(([label]) => label.length));
    const valueWidth = Math.max(20, this.width() - labelWidth - 2);
    // A long value (an event's notes) continues on the next lines, under itself: shown whole.
    const continuation = `\n${' '.repeat(labelWidth + 2)}`;
    const lines = fields.map(
      ([label, value]) => `${this.paint(ANSI.bold, label.padEnd(labelWidth))}  ${wrap(neutralise(value), valueWidth).join(continuation)}`,
    );
    if (title) lines.unshift(this.paint(ANSI.bold, neutralise(title)));
    return lines.join('\n') + '\n';
  }

  private table(rows: never[], columns: Column<never>[]): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Table = require('cli-table3') as typeof import('cli-table3');
    const cells = rows.map((row) => columns.map((column) => neutralise(column.value(row) ?? '')));
    const headers = columns.map((column) => column.header);
    const widths = fitWidths(
      naturalWidths(headers, cells),
      columns.map((column) => column.flexible ?? false),
      this.width(),
      headers.map(displayWidth),
    );
    const table = new Table({
      // A header is cut only when the columns cannot fit otherwise: an uncut one would widen the table.
      head: columns.map((c, i) => truncate(c.header, widths[i])),
      colAligns: columns.map((c) => c.align ?? 'left'),
      style: { head: this.mode.color ? ['cyan'] : [], border: this.mode.color ? ['grey'] : [], 'padding-left': 1, 'padding-right': 1 },
    });
    for (const row of cells) table.push(row.map((cell, i) => truncate(cell, widths[i])));
    return table.toString() + '\n';
  }

  private width(): number {
    return this.streams.stdout.isTTY && this.streams.stdout.columns ? this.streams.stdout.columns : 80;
  }

  private paint(code: string, text: string): string {
    return this.mode.color ? `${code}${text}${ANSI.reset}` : text;
  }
}

// JSON.stringify escapes C0 controls but writes DEL, the C1 controls (0x9b is a CSI on some
// terminals), the invisible formatting characters (zero-width spaces and joiners, byte-order marks,
// bidirectional overrides: \p{Cf}) and the line/paragraph separators raw.
const RAW_IN_JSON = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

/**
 * JSON as JSON.stringify writes it, with the characters above escaped as \uXXXX (each half of a
 * surrogate pair for one beyond U+FFFF): the same value for a program that parses it, and nothing
 * that can steer a terminal when it is printed there.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  const escape = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return JSON.stringify(value, null, indent).replace(RAW_IN_JSON, (ch) => Array.from(ch.split(''), escape).join(''));
}

/** Each column's width in terminal columns before fitting: its widest cell, or its header. */
export function naturalWidths(headers: string[], rows: string[][]): number[] {
  return headers.map((header, i) => Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[i]))));
}

/**
 * Shrinks content widths until the table fits the terminal: flexible columns (names, notes) give
 * up width first, widest first, but not below `floors` (their headers' widths); then every column
 * down to four characters. Ids, money and dates keep their width as long as possible.
 */
export function fitWidths(natural: number[], flexible: boolean[], terminalWidth: number, floors: number[] = []): number[] {
  const widths = [...natural];
  const overhead = widths.length * 3 + 1; // borders and one space of padding each side
  let excess = widths.reduce((a, b) => a + b, 0) + overhead - terminalWidth;
  for (const onlyFlexible of [true, false]) {
    while (excess > 0) {
      let widest = -1;
      widths.forEach((w, i) => {
        const floor = onlyFlexible ? Math.max(MIN_COLUMN, floors[i] ?? 0) : MIN_COLUMN;
        if ((!onlyFlexible || flexible[i]) && w > floor && (widest < 0 || w > widths[widest])) widest = i;
      });
      if (widest < 0) break;
      widths[widest] -= 1;
      excess -= 1;
    }
  }
  return widths;
}
