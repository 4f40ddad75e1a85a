import { type CliError, type FieldNamer } from '../errors/cli-error';
import { type Charset, charsetFor, drawTable, terminalWidth } from './table';
import { neutralise, wrap } from './terminal-text';
import { type Column, type CommandResult, type HumanView } from './view';

export { fitWidths, naturalWidths } from './table';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface OutputMode {
  json: boolean;
  color: boolean;
  /** `--wide`: tables show every cell whole, whatever the width. */
  wide?: boolean;
}

const ANSI = { bold: '\x1b[1m', red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m', reset: '\x1b[0m' };

/**
 * The one place that writes to the terminal. With --json, stdout receives exactly one JSON
 * document; everything meant for a person (hints, warnings, errors) goes to stderr.
 */
export class Output {
  constructor(
    readonly streams: OutputStreams,
    readonly mode: OutputMode,
    /** Where the width (COLUMNS) and the locale (LC_ALL, LC_CTYPE, LANG) come from. */
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The width tables and records fit in. */
  width(): number {
    return terminalWidth(this.streams.stdout, this.env);
  }

  /** Unicode box lines and ellipses, or ASCII ones, for tables and the report alike. */
  charset(forceAscii = false): Charset {
    return charsetFor(this.env, forceAscii);
  }

  render(result: CommandResult): void {
    const notes: string[] = [];
    if (result.human.kind !== 'streamed') {
      this.streams.stdout.write(this.mode.json ? terminalSafeJson(result.json, 2) + '\n' : this.human(result.human, notes));
    }
    for (const text of [...notes, ...(result.notes ?? [])]) this.note(text); // after what they are about
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

  private human(view: HumanView, notes: string[]): string {
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
        const table = this.table(view.rows as never[], view.columns, notes);
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

  private table(rows: never[], columns: Column<never>[], notes: string[]): string {
    const cells = rows.map((row) => columns.map((column) => neutralise(column.value(row) ?? '')));
    const { text, hidden } = drawTable(columns, cells, { width: this.mode.wide ? undefined : this.width(), charset: this.charset(), color: this.mode.color });
    if (hidden.length > 0) notes.push(`not shown for lack of width: ${hidden.join(', ')} (--wide shows every column, --json every field)`);
    return text;
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
