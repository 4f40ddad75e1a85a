/**
 * Drawing for the report: bars and sparklines in Unicode block characters, or in plain ASCII for a
 * terminal that cannot show them. Pure functions of numbers and a charset, tested on their own.
 */
import { truncate } from '../../output/terminal-text';

export type Charset = 'unicode' | 'ascii';

/**
 * Unicode unless asked for ASCII or the locale is not UTF-8. The locale is the first of LC_ALL,
 * LC_CTYPE, LANG that is set (the POSIX order); none set means the C locale, which is ASCII.
 */
export function charsetFor(env: NodeJS.ProcessEnv, forceAscii: boolean): Charset {
  if (forceAscii) return 'ascii';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale) ? 'unicode' : 'ascii';
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const SPARKS: Record<Charset, string[]> = {
  unicode: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
  ascii: ['_', '.', ',', '-', '=', '+', '*', '#'],
};

/**
 * A horizontal bar of `value` on a scale where `max` fills `width` columns, in eighths of a column
 * with Unicode. Any value above zero shows at least a sliver, so "a few" never looks like "none".
 */
export function bar(value: number, max: number, width: number, charset: Charset): string {
  if (value <= 0 || max <= 0) return '';
  const share = Math.min(value, max) / max;
  if (charset === 'ascii') return '#'.repeat(Math.max(1, Math.round(share * width)));
  const eighths = Math.max(1, Math.round(share * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/** One character per value, the lowest for zero and the highest for the largest value. */
export function sparkline(values: number[], charset: Charset): string {
  const levels = SPARKS[charset];
  const max = Math.max(0, ...values);
  return values
    .map((value) => {
      if (value <= 0 || max <= 0) return levels[0];
      return levels[Math.max(1, Math.round((value / max) * (levels.length - 1)))];
    })
    .join('');
}

/** Cuts text to `width` terminal columns, ending with an ellipsis (three dots in ASCII). */
export function fit(text: string, width: number, charset: Charset): string {
  return truncate(text, width, charset === 'unicode' ? '…' : '...');
}

/** `1234567.5` written `1,234,567.50`: thousands grouped for reading; the digits are the exact string's. */
export function money(amount: string): string {
  const [units, cents = '00'] = amount.split('.');
  return `${units.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents.padEnd(2, '0')}`;
}

/** cli-table3 borders drawn with `+`, `-` and `|`. */
export const ASCII_TABLE_CHARS = {
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
