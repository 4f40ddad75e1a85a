/**
 * Every table the CLI prints (lists and the report) is drawn here: fitted to the terminal's width,
 * in Unicode or ASCII by the same locale rule, compact (no line between rows), with cli-table3.
 */
import { displayWidth, truncate } from './terminal-text';

export type Charset = 'unicode' | 'ascii';
export type Align = 'left' | 'right';

export interface TableColumn {
  header: string;
  align?: Align;
  /** Gives up width first when the terminal is narrow (names, emails, notes). */
  flexible?: boolean;
}

export interface TableStyle {
  /** The columns to fit in; undefined draws every cell whole (`--wide`). */
  width: number | undefined;
  charset: Charset;
  color: boolean;
}

export interface DrawnTable {
  /** The table, ending with a newline. */
  text: string;
  /** Headers of the columns left out because even at their narrowest they did not fit. */
  hidden: string[];
}

const MIN_COLUMN = 4;
/** Borders and one space of padding each side: what a table adds to its cells' widths. */
const overhead = (columns: number) => columns * 3 + 1;

/**
 * Unicode unless asked for ASCII or the locale is not UTF-8. The locale is the first of LC_ALL,
 * LC_CTYPE, LANG that is set (the POSIX order); none set means the C locale, which is ASCII.
 */
export function charsetFor(env: NodeJS.ProcessEnv, forceAscii: boolean): Charset {
  if (forceAscii) return 'ascii';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale) ? 'unicode' : 'ascii';
}

/**
 * The width tables fit in: `COLUMNS` when set to a whole number (as `ls` and Python read it, so a
 * pipe can ask for a width too), else the terminal's, else 80.
 */
export function terminalWidth(stdout: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number {
  const fromEnv = /^\s*\d+\s*$/.test(env.COLUMNS ?? '') ? Number.parseInt(env.COLUMNS!, 10) : 0;
  if (fromEnv > 0) return fromEnv;
  return stdout.isTTY && stdout.columns ? stdout.columns : 80;
}

/** Each column's width in terminal columns before fitting: its widest cell, or its header. */
export function naturalWidths(headers: string[], rows: string[][]): number[] {
  return headers.map((header, i) => Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[i]))));
}

/**
 * Shrinks content widths until the table fits the terminal: flexible columns (names, notes) give
 * up width first, widest first, but not below `floors` (their headers' widths); then headers wider
 * than their cells are cut (no value is, yet) down to `cellWidths`; then every column down to four
 * characters. Ids, money and dates keep their width as long as possible.
 */
export function fitWidths(natural: number[], flexible: boolean[], terminalWidth: number, floors: number[] = [], cellWidths: number[] = []): number[] {
  const widths = [...natural];
  let excess = widths.reduce((a, b) => a + b, 0) + overhead(widths.length) - terminalWidth;
  const passes: ((i: number) => number | undefined)[] = [
    (i) => (flexible[i] ? Math.max(MIN_COLUMN, floors[i] ?? 0) : undefined),
    (i) => Math.max(MIN_COLUMN, cellWidths[i] ?? natural[i]),
    () => MIN_COLUMN,
  ];
  for (const floorOf of passes) {
    while (excess > 0) {
      let widest = -1;
      widths.forEach((w, i) => {
        const floor = floorOf(i);
        if (floor !== undefined && w > floor && (widest < 0 || w > widths[widest])) widest = i;
      });
      if (widest < 0) break;
      widths[widest] -= 1;
      excess -= 1;
    }
  }
  return widths;
}

/**
 * How many columns, from the left, fit in `width` at their narrowest (four characters, or less
 * when all their cells are narrower): the rest are left out rather than drawn wider than the
 * terminal, where every line would wrap. At least one.
 */
export function columnsThatFit(natural: number[], width: number): number {
  let used = overhead(0);
  for (let i = 0; i < natural.length; i++) {
    used += Math.min(natural[i], MIN_COLUMN) + 3;
    if (used > width) return Math.max(1, i);
  }
  return natural.length;
}

/** The widths of the columns shown: all of them whole for `--wide`, else fitted to the width. */
export function layoutColumns(columns: TableColumn[], rows: string[][], width: number | undefined): number[] {
  const headerWidths = columns.map((column) => displayWidth(column.header));
  const cellWidths = naturalWidths(columns.map(() => ''), rows);
  const natural = cellWidths.map((cells, i) => Math.max(cells, headerWidths[i]));
  if (width === undefined) return natural;
  const shown = columnsThatFit(natural, width);
  return fitWidths(
    natural.slice(0, shown),
    columns.slice(0, shown).map((column) => column.flexible ?? false),
    width,
    headerWidths.slice(0, shown),
    cellWidths.slice(0, shown),
  );
}

const CYAN = '\x1b[36m';
const DEFAULT_COLOUR = '\x1b[39m';

/** Rows handed to cli-table3 per cell of text: see drawTable. */
const ROWS_PER_CELL = 10;

/** cli-table3 borders drawn with `+`, `-` and `|`. */
const ASCII_TABLE_CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

/**
 * Draws `rows` (already safe for a terminal: see neutralise) under `columns`, each cell cut to its
 * column's width with an ellipsis (three dots in ASCII), so that every row is one line.
 */
export function drawTable(columns: TableColumn[], rows: string[][], style: TableStyle): DrawnTable {
  const widths = layoutColumns(columns, rows, style.width);
  const shown = widths.length;
  const ellipsis = style.charset === 'unicode' ? '…' : '...';
  const cut = (text: string, i: number) => truncate(text, widths[i], ellipsis);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({
    // A header is cut only when the columns cannot fit otherwise: an uncut one would widen the table.
    head: columns.slice(0, shown).map((column, i) => (style.color ? `${CYAN}${cut(column.header, i)}${DEFAULT_COLOUR}` : cut(column.header, i))),
    colAligns: columns.slice(0, shown).map((column) => column.align ?? 'left'),
    ...(style.charset === 'ascii' ? { chars: ASCII_TABLE_CHARS } : {}),
    // Headers in colour (painted here), borders not: cli-table3 colours through @colors/colors, whose
    // loading alone costs about as much as the table, and paints the borders of every line of every
    // cell one by one.
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1, compact: true },
    // cli-table3 cuts each cell's whole text to 10 columns for a debug message, discarded, at
    // every line it draws: one character at a time when a cell holds several lines. A 10-column
    // mark makes that cut return at once; it is never drawn, since every line is already cut.
    truncate: ' '.repeat(10),
  });
  // cli-table3's work is mostly per cell (about 20 ms for 50 rows of 6 cells in a fresh process):
  // a compact table of multi-line cells, one per column for every ten rows, draws the same lines
  // with a tenth of the cells (docs/performance.md, "Tables").
  for (let start = 0; start < rows.length; start += ROWS_PER_CELL) {
    const block = rows.slice(start, start + ROWS_PER_CELL);
    table.push(widths.map((_, i) => block.map((row) => cut(row[i], i)).join('\n')));
  }
  return { text: `${table.toString()}\n`, hidden: columns.slice(shown).map((column) => column.header) };
}
