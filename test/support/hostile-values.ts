/**
 * The hostile-input corpus: values a careless script, a copy-paste accident or an attacker could
 * hand to any flag or argument. Each class is what one kind of argument receives in full; emails,
 * phones and roles are text and get the text corpus plus their own extras, amounts and counts are
 * numbers and get the number corpus plus theirs.
 */
export interface HostileValue {
  /** Printable name for reports and test titles. */
  label: string;
  value: string;
}

export type ValueClass = 'text' | 'email' | 'phone' | 'role' | 'id' | 'number' | 'amount' | 'count' | 'date' | 'password';

const v = (label: string, value: string): HostileValue => ({ label, value });

/** Free text. `at-limit` and `over-limit` are added per field, from its maximum length. */
export const TEXT_VALUES: HostileValue[] = [
  v('sql-drop', "'; DROP TABLE clients; --"),
  v('sql-or', '" OR 1=1 --'),
  v('esc-clear-screen', '\x1b[2J'),
  v('bel', '\x07'),
  v('carriage-return', 'a\rb'),
  v('rtl-override', '\u202egnp.exe'),
  v('c1-csi', '\u009b2J'),
  v('emoji', '🎉👨‍👩‍👧 Fête'),
  v('zero-width-space', 'pay\u200bpal'),
  v('line-separator', 'one\u2028two'),
  // What Node hands the program for argv bytes that are not UTF-8 (a Latin-1 `é`): refused.
  v('not-utf8-in-argv', 'Ren\ufffd'),
  v('long-100k', 'x'.repeat(100_000)),
  v('empty', ''),
  v('blank', '   '),
];

export const NUMBER_VALUES: HostileValue[] = [
  v('negative', '-1'),
  v('zero', '0'),
  v('fraction', '1.5'),
  v('huge', '99999999999999999999'),
  v('nan', 'NaN'),
  v('exponent', '1e3'),
  v('hex', '0x10'),
  v('sql-or', '1 OR 1=1'),
  v('empty', ''),
];

/** Ids: the number corpus, plus the largest id there can be (valid, but nothing has it). */
export const ID_VALUES: HostileValue[] = [...NUMBER_VALUES, v('max-int-absent', '2147483647')];

export const AMOUNT_VALUES: HostileValue[] = [
  ...NUMBER_VALUES,
  v('three-decimals', '12.345'),
  v('thousands-separator', '1,000.00'),
  v('eleven-digits', '10000000000'),
  v('largest', '9999999999.99'),
  v('one-cent', '0.01'),
  v('leading-zeros', '00000000001.5'),
];

export const COUNT_VALUES: HostileValue[] = [...NUMBER_VALUES, v('over-million', '1000001'), v('plain', '75')];

export const DATE_VALUES: HostileValue[] = [
  v('feb-30', '2026-02-30'),
  v('hour-24', '2026-06-04T24:00'),
  v('past-year-9999', '9999-12-31T23:00-14:00'),
  v('offset-minutes-99', '2026-06-04T13:00+09:99'),
  v('before-1900-by-offset', '1900-01-01T00:00+01:00'),
  v('sql-drop', "2031-06-04'; DROP TABLE events; --"),
  v('function-call', 'now()'),
  v('empty', ''),
  v('exponent', '1e3'),
  v('negative', '-1'),
  v('valid', '2031-06-04T13:00'),
];

export const EMAIL_EXTRAS: HostileValue[] = [
  v('sql-in-domain', "a@b.io'; DROP TABLE clients; --"),
  v('quoted-local', '"x"@y.io'),
  v('bel-inside', 'a\x07b@x.io'),
  v('rtl-inside', 'a\u202eb@x.io'),
  v('local-part-65', `${'a'.repeat(65)}@x.io`),
  v('longest-valid', `${'l'.repeat(64)}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.io`),
];

export const PHONE_EXTRAS: HostileValue[] = [
  v('valid-international', '+33 6 12 34 56 78'),
  v('too-short', '+1 000'),
  v('sql-after-number', "0612345678'; --"),
  v('esc-after-number', '+33612345678\x1b[2J'),
];

export const ROLE_EXTRAS: HostileValue[] = [
  v('lower-case-valid', 'support'),
  v('sql-after-role', "MANAGEMENT'; --"),
  v('unknown-role', 'admin'),
];

// 256 characters that do not merely repeat one short sequence (the policy refuses those).
export const PASSWORD_VALUES: HostileValue[] = [...TEXT_VALUES, v('longest-valid', `${'Pw-9'.repeat(63)}Zq!7`)];

/** The corpus an argument of this class receives (text fields get their limits added). */
export function corpus(valueClass: ValueClass, maxLength?: number): HostileValue[] {
  switch (valueClass) {
    case 'text':
      return maxLength === undefined
        ? TEXT_VALUES
        : [...TEXT_VALUES, v('at-limit', 'A'.repeat(maxLength)), v('over-limit', 'A'.repeat(maxLength + 1))];
    case 'email':
      return [...TEXT_VALUES, ...EMAIL_EXTRAS];
    case 'phone':
      return [...TEXT_VALUES, ...PHONE_EXTRAS];
    case 'role':
      return [...TEXT_VALUES, ...ROLE_EXTRAS];
    case 'id':
      return ID_VALUES;
    case 'number':
      return NUMBER_VALUES;
    case 'amount':
      return AMOUNT_VALUES;
    case 'count':
      return COUNT_VALUES;
    case 'date':
      return DATE_VALUES;
    case 'password':
      return PASSWORD_VALUES;
    default: {
      const unhandled: never = valueClass;
      throw new Error(`no corpus for ${String(unhandled)}`);
    }
  }
}

/**
 * Characters that must never reach a terminal raw: control characters other than the line feed
 * (C0, DEL, C1), invisible formatting characters (\p{Cf}: zero-width, byte-order mark,
 * bidirectional overrides/isolates) and the line and paragraph separators.
 */
export const RAW_CONTROL = /[^\P{Cc}\n]|[\p{Cf}\p{Zl}\p{Zp}]/u;

/** A stack trace line, which must never reach the user without EPICEVENTS_DEBUG=1. */
export const STACK_TRACE = /\n\s+at /;
