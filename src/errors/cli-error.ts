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

export class CliError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
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
  { code: 130, meaning: 'cancelled by the user (Ctrl-C, prompt aborted)' },
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

export const usageError = (message: string, hint?: string) => new CliError('usage', message, hint);
export const validationError = (message: string, hint?: string) => new CliError('validation', message, hint);
export const notFound = (what: string, id: number | string) => new CliError('not_found', `${what} ${id} not found`);
export const conflict = (message: string, hint?: string) => new CliError('conflict', message, hint);
export const forbidden = (message: string) => new CliError('forbidden', message);
export const unavailable = (message: string, hint?: string) => new CliError('unavailable', message, hint);
export const unauthenticated = (message: string, hint?: string) => new CliError('unauthenticated', message, hint);
