/**
 * The one error type the CLI knows. Services throw it with a code; `exitCodeFor` is the one
 * place that turns a code into a process exit code.
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

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'usage':
    case 'validation':
      return 2;
    case 'unauthenticated':
      return 3;
    case 'forbidden':
      return 4;
    case 'not_found':
      return 5;
    case 'conflict':
      return 6;
    case 'unavailable':
      return 7;
    case 'cancelled':
      return 130;
    case 'internal':
      return 1;
    default: {
      const unhandled: never = code;
      throw new Error(`unmapped error code ${String(unhandled)}`);
    }
  }
}

export const usageError = (message: string, hint?: string) => new CliError('usage', message, hint);
export const validationError = (message: string, hint?: string) => new CliError('validation', message, hint);
export const notFound = (what: string, id: number | string) => new CliError('not_found', `${what} ${id} not found`);
export const conflict = (message: string, hint?: string) => new CliError('conflict', message, hint);
export const forbidden = (message: string) => new CliError('forbidden', message);
export const unavailable = (message: string, hint?: string) => new CliError('unavailable', message, hint);
export const unauthenticated = (message: string, hint?: string) => new CliError('unauthenticated', message, hint);
