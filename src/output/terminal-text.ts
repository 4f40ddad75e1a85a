// Control characters (C0, DEL, C1), invisible formatting characters (zero-width spaces and
// joiners, byte-order marks, bidirectional overrides and isolates: \p{Cf}) and the line and
// paragraph separators: printed raw they can move the cursor, recolour the terminal, reorder or
// hide what the user reads, or break a line where none shows.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Makes stored text safe to print on a terminal: control and invisible characters become visible
 * escapes (`\u{1b}`). Every table, record, message and prompt goes through it.
 */
export function neutralise(text: string): string {
  // Line breaks and tabs first, so a CRLF becomes one space rather than an escaped CR.
  return text.replace(/\r\n|[\n\t]/g, ' ').replace(UNSAFE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}

/**
 * The columns text takes on a terminal, measured as cli-table3 measures its cells: a wide
 * character (Chinese, Japanese, Korean, most emoji) takes two, a combining accent none.
 */
export function displayWidth(text: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stringWidth = require('string-width') as (text: string) => number;
  return stringWidth(text);
}

/** Shortens text to `width` display columns, ending with `ellipsis` when cut. */
export function truncate(text: string, width: number, ellipsis = '…'): string {
  if (displayWidth(text) <= width) return text;
  const room = width - displayWidth(ellipsis);
  let kept = '';
  let used = 0;
  for (const char of text) {
    const charWidth = displayWidth(char);
    if (used + charWidth > room) break;
    kept += char;
    used += charWidth;
  }
  return `${kept}${ellipsis}`;
}

/**
 * Breaks text into lines of at most `width` display columns, at spaces where it can; a word wider
 * than a line is split. For a record's values, which are shown whole (a table cuts them instead).
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    for (const char of word) {
      if (displayWidth(line + char) > width) {
        lines.push(line);
        line = '';
      }
      line += char;
    }
  }
  lines.push(line);
  return lines;
}

/** A date in the local time zone, minute precision: what a person reads on a terminal. */
export function localDateTime(date: Date | null | undefined): string {
  if (!date) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
