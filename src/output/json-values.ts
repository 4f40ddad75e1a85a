/**
 * JSON shapes of the README's Output section: camelCase keys, ids as numbers, amounts as strings with two decimals
 * (kept as the exact strings PostgreSQL returns for numeric(12,2)), times as ISO 8601 UTC.
 * The key lists are the contract with scripts: a record type that lacks one of them does not compile.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const EMPLOYEE_JSON_KEYS = [
  'id',
  'firstName',
  'lastName',
  'email',
  'phone',
  'role',
  'isActive',
  'mustChangePassword',
  'lockedUntil',
  'createdAt',
  'updatedAt',
  'version',
] as const;

export const CLIENT_JSON_KEYS = [
  'id',
  'fullName',
  'email',
  'phone',
  'companyName',
  'salesContactId',
  'salesContactName',
  'createdAt',
  'updatedAt',
  'version',
] as const;

export const CONTRACT_JSON_KEYS = [
  'id',
  'clientId',
  'clientName',
  'salesContactId',
  'totalAmount',
  'amountDue',
  'isSigned',
  'signedAt',
  'createdAt',
  'updatedAt',
  'version',
] as const;

export const EVENT_JSON_KEYS = [
  'id',
  'name',
  'contractId',
  'clientId',
  'clientName',
  'clientEmail',
  'clientPhone',
  'supportContactId',
  'supportContactName',
  'startAt',
  'endAt',
  'location',
  'attendees',
  'notes',
  'createdAt',
  'updatedAt',
  'version',
] as const;

/** One value as JSON: Date → ISO UTC string, undefined → null, bigint → string. */
export function jsonValue(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonValue(v)]));
  }
  return value as JsonValue;
}

/** Picks `keys` from a record, in that order, as JSON values. */
export function jsonRecord<T extends object, K extends keyof T & string>(record: T, keys: readonly K[]): Record<K, JsonValue> {
  const out = {} as Record<K, JsonValue>;
  for (const key of keys) out[key] = jsonValue(record[key]);
  return out;
}

/** An amount for JSON: always two decimals ("1500" → "1500.00"), never a float. */
export function moneyJson(amount: string): string {
  const [units, cents = ''] = amount.split('.');
  return `${units}.${cents.padEnd(2, '0').slice(0, 2)}`;
}

/** A time for a person: local, minute precision, with the offset (`2026-06-04 13:00 +02:00`). */
export function humanTime(value: Date | null | undefined): string {
  if (!value) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -value.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())} ${pad(value.getHours())}:${pad(value.getMinutes())} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
