import { validationError } from '../errors/cli-error';

/**
 * Parsers for user input. Each returns the normalised value or throws a validation error (exit 2)
 * naming the field and the rule. They run before anything is written.
 */

const MAX_ID = 2147483647;

export function parseId(value: unknown, field = 'id'): number {
  const text = String(value ?? '').trim();
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > MAX_ID) {
    throw validationError(`${field} must be a positive whole number (got "${preview(text)}")`);
  }
  return Number(text);
}

export function parseCount(value: unknown, field: string, max = 1_000_000): number {
  const text = String(value ?? '').trim();
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) > max) {
    throw validationError(`${field} must be a whole number from 0 to ${max} (got "${preview(text)}")`);
  }
  return Number(text);
}

export function parseLimit(value: unknown): number {
  if (value === undefined) return 50;
  const text = String(value).trim();
  if (!/^[0-9]{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 500) {
    throw validationError(`--limit must be a whole number from 1 to 500 (got "${preview(text)}")`);
  }
  return Number(text);
}

/** Free text: trimmed, not blank when required, at most `max` characters, no NUL byte. */
export function parseText(value: unknown, field: string, max: number, options: { allowEmpty?: boolean } = {}): string {
  const text = String(value ?? '').trim();
  if (!options.allowEmpty && text.length === 0) throw validationError(`${field} cannot be empty`);
  if (text.includes('\u0000')) throw validationError(`${field} cannot contain a NUL character`);
  if (Array.from(text).length > max) throw validationError(`${field} must be at most ${max} characters (got ${Array.from(text).length})`);
  return text;
}

const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

// Control characters (ESC, BEL, …) and invisible formatting (right-to-left overrides, zero-width
// characters) have no place in an address: printed, they would disguise it.
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

export function parseEmail(value: unknown, field = 'email'): string {
  const text = String(value ?? '').trim();
  if (text.length > 254 || !EMAIL.test(text) || INVISIBLE.test(text) || text.split('@')[0].length > 64) {
    throw validationError(`${field} must be a valid email address like name@example.com (got "${preview(text)}")`);
  }
  return text;
}

/** A phone number in international form or French national form, stored in E.164. */
export function parsePhone(value: unknown, field = 'phone'): string {
  const text = String(value ?? '').trim();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parsePhoneNumberFromString } = require('libphonenumber-js/max') as typeof import('libphonenumber-js/max');
  const phone = text.length <= 40 ? parsePhoneNumberFromString(text, 'FR') : undefined;
  if (!phone || !phone.isValid()) {
    throw validationError(`${field} must be a valid phone number, e.g. +33 6 12 34 56 78 (got "${preview(text)}")`);
  }
  return phone.number;
}

/**
 * Money as an exact decimal string with two places: "1500", "1500.5", "1500.50" → "1500.50".
 * Refuses exponents, signs, more than two decimals and anything over numeric(12,2).
 */
export function parseAmount(value: unknown, field: string): string {
  const text = String(value ?? '').trim();
  // Leading zeros are only padding (a spreadsheet's fixed-width column): at most ten digits after them.
  const match = /^0*([0-9]{1,10})(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!match) {
    throw validationError(`${field} must be an amount like 1500 or 1500.50: digits, at most two decimals, no sign (got "${preview(text)}")`);
  }
  return `${match[1]}.${(match[2] ?? '').padEnd(2, '0')}`;
}

/** Amount strings compared exactly, through integer cents. */
export function toCents(amount: string): bigint {
  const [units, cents = '00'] = amount.split('.');
  return BigInt(units) * 100n + BigInt(cents.padEnd(2, '0').slice(0, 2));
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** The last instant an ISO 8601 string with a four-digit year can name (UTC). */
const LATEST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * ISO 8601 date or date-time; without an offset it is local time. Impossible dates
 * (2026-02-30, 24:00) are refused rather than rolled over.
 */
export function parseDateTime(value: unknown, field: string): Date {
  const text = String(value ?? '').trim();
  const m = DATE_TIME.exec(text);
  const fail = () => validationError(`${field} must be an ISO 8601 date or date-time like 2026-06-04T13:00 or 2026-06-04 13:00+02:00 (got "${preview(text)}")`);
  if (!m) throw fail();
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || year < 1900 || year > 9999) {
    throw fail();
  }
  const offset = m[8];
  if (!offset) {
    const local = new Date(year, month - 1, day, hour, minute, second, ms);
    if (local.getFullYear() !== year || local.getMonth() !== month - 1 || local.getDate() !== day) throw fail();
    if (local.getTime() > LATEST_INSTANT) throw fail();
    return local;
  }
  let offsetMinutes = 0;
  if (offset.toUpperCase() !== 'Z') {
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutesPart = Number(digits.slice(2, 4) || 0);
    if (offsetMinutesPart > 59) throw fail();
    offsetMinutes = (offsetHours * 60 + offsetMinutesPart) * (offset[0] === '-' ? -1 : 1);
    if (Math.abs(offsetMinutes) > 14 * 60) throw fail();
  }
  const instant = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
  // An offset can push 9999-12-31 past the year 9999, which ISO 8601 JSON cannot write in four digits.
  if (instant.getTime() > LATEST_INSTANT) throw fail();
  return instant;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Shortens what is echoed back in an error so a 100 000-character value stays one line. */
export function preview(text: string): string {
  const oneLine = text.replace(/[\u0000-\u001f\u007f]/g, '?'); // eslint-disable-line no-control-regex
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}
