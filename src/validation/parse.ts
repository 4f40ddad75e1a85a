import { ROLES, type Role } from '../domain/roles';
import { type MessagePart, validationError } from '../errors/cli-error';

/**
 * What a parser's error calls the value: a label (`'--sales'` from a command, `'full name'`), or
 * `{ field: 'search' }` from a service, which each front end then names its own way.
 */
export type FieldLabel = MessagePart;

/**
 * Parsers for user input. Each returns the normalised value or throws a validation error (exit 2)
 * naming the field and the rule. They run before anything is written.
 */

const MAX_ID = 2147483647;

export function parseId(value: unknown, field: FieldLabel = 'id'): number {
  const text = String(value ?? '').trim();
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > MAX_ID) {
    throw validationError([field, ` must be a positive whole number (got "${preview(text)}")`]);
  }
  return Number(text);
}

export function parseCount(value: unknown, field: FieldLabel, max = 1_000_000): number {
  const text = String(value ?? '').trim();
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) > max) {
    throw validationError([field, ` must be a whole number from 0 to ${max} (got "${preview(text)}")`]);
  }
  return Number(text);
}

export function parseLimit(value: unknown, field: FieldLabel = { field: 'limit' }): number {
  if (value === undefined) return 50;
  const text = String(value).trim();
  if (!/^[0-9]{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 500) {
    throw validationError([field, ` must be a whole number from 1 to 500 (got "${preview(text)}")`]);
  }
  return Number(text);
}

/** Free text: trimmed, not blank when required, at most `max` characters, no NUL byte. */
export function parseText(value: unknown, field: FieldLabel, max: number, options: { allowEmpty?: boolean } = {}): string {
  const text = String(value ?? '').trim();
  if (!options.allowEmpty && text.length === 0) throw validationError([field, ` cannot be empty`]);
  if (text.includes('\u0000')) throw validationError([field, ` cannot contain a NUL character`]);
  // What a terminal, a file or a request decoded from bytes that were not UTF-8 (a Latin-1 é typed
  // at a prompt, say): stored, the text would be lost for good.
  if (text.includes('\uFFFD')) throw validationError([field, ` is not valid UTF-8 text: it holds U+FFFD (\uFFFD), the mark of bytes in another encoding`]);
  if (Array.from(text).length > max) throw validationError([field, ` must be at most ${max} characters (got ${Array.from(text).length})`]);
  return text;
}

/** The longest search text (`--search`, `?search=`): as long as the longest full name or company name it could match. */
export const MAX_SEARCH_LENGTH = 150;

/**
 * A search text, as the services and the HTTP client check it: trimmed, not blank, at most
 * MAX_SEARCH_LENGTH characters. The client checks it before the text goes into a URL, so a
 * search no server would take is this one-line refusal, as in direct mode.
 */
export function parseSearch(value: unknown, field: FieldLabel = { field: 'search' }): string {
  return parseText(value, field, MAX_SEARCH_LENGTH);
}

const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

// Control characters (ESC, BEL, …) and invisible formatting (right-to-left overrides, zero-width
// characters) have no place in an address: printed, they would disguise it.
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

export function parseEmail(value: unknown, field: FieldLabel = 'email'): string {
  const text = String(value ?? '').trim();
  if (text.length > 254 || !EMAIL.test(text) || INVISIBLE.test(text) || text.split('@')[0].length > 64) {
    throw validationError([field, ` must be a valid email address like name@example.com (got "${preview(text)}")`]);
  }
  return text;
}

/** A phone number in international form or French national form, stored in E.164. */
export function parsePhone(value: unknown, field: FieldLabel = 'phone'): string {
  const text = String(value ?? '').trim();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parsePhoneNumberFromString } = require('libphonenumber-js/max') as typeof import('libphonenumber-js/max');
  const phone = text.length <= 40 ? parsePhoneNumberFromString(text, 'FR') : undefined;
  if (!phone || !phone.isValid()) {
    throw validationError([field, ` must be a valid phone number, e.g. +33 6 12 34 56 78 (got "${preview(text)}")`]);
  }
  return phone.number;
}

/**
 * Money as an exact decimal string with two places: "1500", "1500.5", "1500.50", "1,500.50" → "1500.50".
 * Refuses exponents, signs, more than two decimals and anything over numeric(12,2).
 */
export function parseAmount(value: unknown, field: FieldLabel): string {
  const text = String(value ?? '').trim();
  // `report` groups thousands (12,500.00), so that form is taken back: commas only between groups of
  // three digits, so that a decimal comma (12,50) is refused rather than read as thousands.
  const digits = /^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?$/.test(text) ? text.replace(/,/g, '') : text;
  // Leading zeros are only padding (a spreadsheet's fixed-width column): at most ten digits after them.
  const match = /^0*([0-9]{1,10})(?:\.([0-9]{1,2}))?$/.exec(digits);
  if (!match) {
    throw validationError([field, ` must be an amount like 1500, 1500.50 or 12,500.00: digits, at most two decimals, no sign (got "${preview(text)}")`]);
  }
  return `${match[1]}.${(match[2] ?? '').padEnd(2, '0')}`;
}

export function parseRole(value: string, field: FieldLabel = 'role'): Role {
  const role = value.trim().toUpperCase();
  if (!(ROLES as readonly string[]).includes(role)) {
    throw validationError([field, ` must be one of ${ROLES.join(', ')} (got "${value.trim().slice(0, 40)}")`]);
  }
  return role as Role;
}

/** An IANA time zone name (`Europe/Paris`, `UTC`): where the report's months and weeks begin. */
export function parseTimeZone(value: unknown, field: FieldLabel): string {
  const text = String(value ?? '').trim();
  const known = () => {
    try {
      return new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone !== undefined;
    } catch {
      return false;
    }
  };
  if (text.length === 0 || text.length > 64 || !known()) {
    throw validationError([field, ` must be a time zone name like Europe/Paris or UTC (got "${preview(text)}")`]);
  }
  return text;
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

/** Instants are kept between 1900-01-01T00:00Z and the last one a four-digit ISO 8601 year can name (UTC). */
const EARLIEST_INSTANT = Date.UTC(1900, 0, 1);
const LATEST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * ISO 8601 date or date-time; without an offset it is local time. Impossible dates
 * (2026-02-30, 24:00) are refused rather than rolled over, and so is a local time that the
 * clocks skip (a daylight-saving gap) or pass twice (an overlap): the offset must then say which.
 * A bare date is the start of that local day.
 */
export function parseDateTime(value: unknown, field: FieldLabel): Date {
  const text = String(value ?? '').trim();
  const m = DATE_TIME.exec(text);
  const fail = () => validationError([field, ` must be an ISO 8601 date or date-time like 2026-06-04T13:00 or 2026-06-04 13:00+02:00 (got "${preview(text)}")`]);
  if (!m) throw fail();
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || year < 1900 || year > 9999) {
    throw fail();
  }
  const offset = m[8];
  let instant: Date;
  if (!offset) {
    instant = new Date(year, month - 1, day, hour, minute, second, ms);
    if (instant.getFullYear() !== year || instant.getMonth() !== month - 1 || instant.getDate() !== day) throw fail();
    if (m[4] !== undefined) checkLocalTimeExists(instant, [year, month, day, hour, minute, second, ms], field, text);
  } else {
    let offsetMinutes = 0;
    if (offset.toUpperCase() !== 'Z') {
      const digits = offset.slice(1).replace(':', '');
      const offsetHours = Number(digits.slice(0, 2));
      const offsetMinutesPart = Number(digits.slice(2, 4) || 0);
      if (offsetMinutesPart > 59) throw fail();
      offsetMinutes = (offsetHours * 60 + offsetMinutesPart) * (offset[0] === '-' ? -1 : 1);
      if (Math.abs(offsetMinutes) > 14 * 60) throw fail();
    }
    instant = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
  }
  // An offset or the local time zone can move the instant out of the years 1900-9999 (UTC): refused
  // rather than stored out of range (and ISO 8601 JSON cannot write the year 10000 in four digits).
  if (instant.getTime() < EARLIEST_INSTANT || instant.getTime() > LATEST_INSTANT) {
    throw validationError(
      [field, ` must fall between 1900-01-01T00:00Z and 9999-12-31T23:59Z, and "${preview(text)}" is ${instant.toISOString().slice(0, 19)}Z`],
      'give a later or earlier date, or an explicit offset',
    );
  }
  return instant;
}

const HOUR = 3_600_000;

/** Local wall-clock fields of an instant, in the order of the parsed ones. */
function localFields(date: Date): number[] {
  return [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds()];
}

/**
 * `instant` is what the Date constructor made of a local wall-clock time: when the clocks skip
 * that time it is moved forward, and when they pass it twice the earlier instant is taken. Both
 * are refused, naming the gap or the two offsets, so that nothing is stored an hour off.
 */
function checkLocalTimeExists(instant: Date, wall: number[], field: FieldLabel, text: string): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local time';
  const offsetAt = (time: number) => new Date(time).getTimezoneOffset();
  const isWall = (time: number) => localFields(new Date(time)).every((part, i) => part === wall[i]);
  if (!isWall(instant.getTime())) {
    // Moved forward past a gap: find the instant the clocks jumped, within the hours before.
    let before = instant.getTime() - 3 * HOUR;
    let after = instant.getTime();
    while (after - before > 1000) {
      const middle = Math.floor((before + after) / 2);
      if (offsetAt(middle) === offsetAt(before)) before = middle;
      else after = middle;
    }
    throw validationError(
      [field, ` ${preview(text)} does not exist in the local time zone (${zone}): the clocks jump from ${wallClock(after, offsetAt(before))} to ${wallClock(after, offsetAt(after))} that day`],
      `give a time outside that gap, or an explicit offset such as ${preview(text)}${utcOffset(offsetAt(before))}`,
    );
  }
  // The same wall-clock time again after the clocks go back (by the difference of the offsets).
  const later = instant.getTime() + Math.abs(offsetAt(instant.getTime()) - offsetAt(instant.getTime() + 24 * HOUR)) * 60_000;
  if (later !== instant.getTime() && isWall(later)) {
    throw validationError(
      [field, ` ${preview(text)} happens twice in the local time zone (${zone}), as the clocks go back: first at ${utcOffset(offsetAt(instant.getTime()))}, then at ${utcOffset(offsetAt(later))}`],
      `add the offset you mean, e.g. ${preview(text)}${utcOffset(offsetAt(instant.getTime()))}`,
    );
  }
}

/** HH:MM at `time` for a clock `offsetMinutes` (as getTimezoneOffset gives it: UTC minus local) from UTC. */
function wallClock(time: number, offsetMinutes: number): string {
  const shifted = new Date(time - offsetMinutes * 60_000);
  return `${String(shifted.getUTCHours()).padStart(2, '0')}:${String(shifted.getUTCMinutes()).padStart(2, '0')}`;
}

/** +02:00 for a getTimezoneOffset of -120. */
function utcOffset(offsetMinutes: number): string {
  const minutes = Math.abs(offsetMinutes);
  return `${offsetMinutes <= 0 ? '+' : '-'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Shortens what is echoed back in an error so a 100 000-character value stays one line. */
export function preview(text: string): string {
  const oneLine = text.replace(/[\u0000-\u001f\u007f]/g, '?'); // eslint-disable-line no-control-regex
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}
