/**
 * RFC 4180 output: records end with CRLF; a field containing a comma, a quote, a CR or an LF is
 * quoted, with its quotes doubled.
 *
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and some a tab or a CR) as a
 * formula, so a client named `=HYPERLINK(…)` would become a link once the file is opened. Such a
 * cell is written with a leading `'`, which spreadsheets show as text and `client import` removes.
 */
export type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRecord(values: CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Undoes the formula guard of `csvField`: `'=1+1` → `=1+1`; any other text is returned as it is. */
export function unguardFormula(text: string): string {
  return text.length > 1 && text[0] === "'" && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}
