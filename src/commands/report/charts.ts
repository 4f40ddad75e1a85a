/**
 * Drawing for the report: bars and sparklines in Unicode block characters, or in plain ASCII for a
 * terminal that cannot show them. Pure functions of numbers and a charset, tested on their own.
 */
import { type Charset } from '../../output/table';
import { truncate } from '../../output/terminal-text';

// The locale rule is the tables' (src/output/table.ts): lists and the report draw alike.
export { type Charset, charsetFor } from '../../output/table';

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
