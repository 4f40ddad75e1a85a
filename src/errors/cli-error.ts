/**
 * The one error type the CLI and the server know. Services throw it with a code; `exitCodeFor` and
 * `httpStatusFor` (one table) are the only places that turn a code into an exit code or an HTTP status.
 */
export type ErrorCode =
  | 'usage'
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'cancelled'
  | 'internal';

/**
 * A message that may name input fields. A field is written `{amountDue}` in the literal parts of a
 * `fieldText` template and kept apart from the text, so that each front end names it its own way:
 * the CLI as its flag (`--amount-due`), the API as a JSON pointer (`/amountDue`). Values
 * interpolated with `${…}` stay plain text, so nothing a user typed is ever read as a field.
 */
export type MessagePart = string | { field: string };
export type Message = string | MessagePart[];

/** How a front end names a field in a message. */
export type FieldNamer = (field: string) => string;

const FIELD = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

/** fieldText`{endAt} must be after {startAt} (got ${value})`: a message naming two fields. */
export function fieldText(literals: TemplateStringsArray, ...values: unknown[]): MessagePart[] {
  const parts: MessagePart[] = [];
  literals.forEach((literal, i) => {
    let last = 0;
    for (const match of literal.matchAll(FIELD)) {
      parts.push(literal.slice(last, match.index), { field: match[1] });
      last = match.index + match[0].length;
    }
    parts.push(literal.slice(last));
    if (i < values.length) parts.push(String(values[i]));
  });
  return parts.filter((part) => part !== '');
}

/** The message with each field named by `name`. */
export function renderMessage(message: Message, name: FieldNamer): string {
  return typeof message === 'string' ? message : message.map((part) => (typeof part === 'string' ? part : name(part.field))).join('');
}

/** A field as the API names it: RFC 6901 JSON pointer into the request body or query, e.g. `/amountDue`. */
export function jsonPointer(field: string): string {
  return `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

const propertyName: FieldNamer = (field) => field;

export class CliError extends Error {
  /** The first field the message names: the input at fault. */
  readonly field?: string;
  /** A second field, for a rule between two inputs (`{endAt} must be after {startAt}`). */
  readonly relatedField?: string;
  /** The hint with fields named as properties; `render` names them for a front end. */
  readonly hint?: string;

  /**
   * `inputField` names the field at fault when the message speaks of it in words rather than
   * naming it (`the password is too common`): the API still points at it.
   */
  constructor(
    readonly code: ErrorCode,
    readonly text: Message,
    readonly hintText?: Message,
    inputField?: string,
  ) {
    super(renderMessage(text, propertyName));
    this.name = 'CliError';
    this.hint = hintText === undefined ? undefined : renderMessage(hintText, propertyName);
    const fields = (typeof text === 'string' ? [] : text).filter((part): part is { field: string } => typeof part !== 'string').map((part) => part.field);
    [this.field, this.relatedField] = [...new Set(inputField === undefined ? fields : [inputField, ...fields])];
  }

  /** Message and hint with every field named by `name` (a flag in the CLI, a pointer in the API). */
  render(name: FieldNamer): { message: string; hint?: string } {
    return { message: renderMessage(this.text, name), hint: this.hintText === undefined ? undefined : renderMessage(this.hintText, name) };
  }
}

export const EXIT_CODES = [
  { code: 0, meaning: 'success' },
  { code: 1, meaning: 'unexpected failure (a bug; reported to Sentry)' },
  { code: 2, meaning: 'usage or validation error: bad flag, missing value, malformed input' },
  { code: 3, meaning: 'not logged in, session expired or revoked, bad credentials' },
  { code: 4, meaning: 'permission denied' },
  { code: 5, meaning: 'not found' },
  { code: 6, meaning: 'conflict: duplicate, business rule, stale write' },
  { code: 7, meaning: 'unavailable: database unreachable, schema not migrated, configuration missing' },
  { code: 130, meaning: 'cancelled by the user (Ctrl-C, or Ctrl-D at a prompt)' },
] as const;

/**
 * What each error code becomes in each front end: the CLI's exit code and the API's HTTP status
 * (401 for the lot of "not logged in", 409 for every conflict, 503 for whatever the operator must
 * fix). A `Record` over the closed union, so a new code cannot be left unmapped.
 */
const ERROR_CODE_TABLE: Record<ErrorCode, { exitCode: number; httpStatus: number }> = {
  usage: { exitCode: 2, httpStatus: 400 },
  validation: { exitCode: 2, httpStatus: 400 },
  unauthenticated: { exitCode: 3, httpStatus: 401 },
  forbidden: { exitCode: 4, httpStatus: 403 },
  not_found: { exitCode: 5, httpStatus: 404 },
  conflict: { exitCode: 6, httpStatus: 409 },
  unavailable: { exitCode: 7, httpStatus: 503 },
  // A person answering "no" at a prompt: it cannot happen in a request, but the table is total.
  cancelled: { exitCode: 130, httpStatus: 400 },
  internal: { exitCode: 1, httpStatus: 500 },
};

export function exitCodeFor(code: ErrorCode): number {
  return mapping(code).exitCode;
}

export function httpStatusFor(code: ErrorCode): number {
  return mapping(code).httpStatus;
}

function mapping(code: ErrorCode): { exitCode: number; httpStatus: number } {
  // An error built from untyped data (a reply of the API) may carry a code outside the union.
  const row = Object.hasOwn(ERROR_CODE_TABLE, code) ? ERROR_CODE_TABLE[code] : undefined;
  if (!row) throw new Error(`unmapped error code ${String(code)}`);
  return row;
}

export const usageError = (message: Message, hint?: Message) => new CliError('usage', message, hint);
export const validationError = (message: Message, hint?: Message) => new CliError('validation', message, hint);
export const notFound = (what: string, id: number | string) => new CliError('not_found', `${what} ${id} not found`);
export const conflict = (message: Message, hint?: Message) => new CliError('conflict', message, hint);
export const forbidden = (message: string) => new CliError('forbidden', message);
export const unavailable = (message: string, hint?: string) => new CliError('unavailable', message, hint);
export const unauthenticated = (message: string, hint?: string) => new CliError('unauthenticated', message, hint);
