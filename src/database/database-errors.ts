import { CliError, conflict, unavailable } from '../errors/cli-error';
import { DEFAULT_TENANT } from '../domain/tenancy';
import { LAST_MANAGER_SQLSTATE, PLAN_LIMIT_SQLSTATE, UNKNOWN_TENANT_SQLSTATE } from './tenant-scope';

interface DriverError {
  code?: string;
  errno?: string;
  constraint?: string;
  detail?: string;
  hint?: string;
  message?: string;
  address?: string;
  port?: number;
  driverError?: DriverError;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Names of constraints whose violation a user can cause, with what to tell them. */
const CONSTRAINT_MESSAGES: Record<string, string> = {
  employees_email_lower_key: 'an employee with this email already exists',
  clients_email_lower_key: 'a client with this email already exists',
  contracts_amount_due_within_total: 'the amount due cannot exceed the total amount',
  events_end_after_start: 'the event must end after it starts',
  events_dates_in_range: 'an event must start and end between the years 1900 and 9999',
};

/**
 * A constraint the messages above do not know: the CLI shows PostgreSQL's own sentence (for the
 * administrator at the terminal), the API only `PUBLIC_MESSAGE`, since the sentence names the
 * schema's internals (constraint, table and column names, values).
 */
export class UnknownConstraintError extends CliError {
  static readonly PUBLIC_MESSAGE = 'the database refused the change: it breaks a rule of the data';

  constructor(databaseMessage: string) {
    super('conflict', `the database refused the change: ${databaseMessage}`);
  }
}

export function describeServer(databaseUrl: string | undefined): string {
  if (!databaseUrl) return 'the embedded database';
  try {
    const url = new URL(databaseUrl);
    return `PostgreSQL at ${url.hostname || 'localhost'}:${url.port || '5432'}`;
  } catch {
    return 'the PostgreSQL server';
  }
}

/**
 * Turns driver errors that a user can cause or fix into CliErrors: an unreachable server is
 * "unavailable" (exit 7), a violated constraint a "conflict" (exit 6). Anything else is a bug and
 * is returned unchanged.
 */
export function translateDatabaseError(error: unknown, databaseUrl: string | undefined): unknown {
  if (error instanceof CliError) return error;
  const e = (error ?? {}) as DriverError;
  const inner = e.driverError ?? e;
  const code = inner.code ?? e.code;
  if (code && CONNECTION_ERROR_CODES.has(code)) {
    return unavailable(`cannot reach ${describeServer(databaseUrl)}: ${connectionReason(code)}`, 'check that the server is running and DATABASE_URL is right');
  }
  if (/timeout exceeded when trying to connect/.test(inner.message ?? '')) {
    // pg's pool: every connection stayed busy for the whole wait.
    return unavailable(`${describeServer(databaseUrl)} is busy: every database connection stayed in use`, 'try again in a moment');
  }
  if (/timeout expired|Connection terminated|connect ECONNREFUSED|terminating connection/i.test(inner.message ?? '')) {
    return unavailable(`cannot reach ${describeServer(databaseUrl)}: the connection failed or timed out`, 'check that the server is running and DATABASE_URL is right');
  }
  if (/unsupported startup parameter/.test(inner.message ?? '')) {
    // PgBouncer refuses the session settings a direct connection starts with.
    return unavailable(`${describeServer(databaseUrl)} refused the connection: ${firstLine(inner.message)}`, 'behind PgBouncer (or another pooler) in transaction mode, set EPICEVENTS_DB_POOLER=transaction');
  }
  if (code === '28P01' || code === '28000' || code === '3D000') {
    return unavailable(`${describeServer(databaseUrl)} refused the connection: ${firstLine(inner.message)}`, 'check the user, password and database name in DATABASE_URL');
  }
  // 23001: newer PostgreSQL versions (the embedded engine among them) report ON DELETE RESTRICT so.
  if (code === '23505' || code === '23514' || code === '23503' || code === '23001' || code === '23P01') {
    const known = inner.constraint ? CONSTRAINT_MESSAGES[inner.constraint] : undefined;
    return known ? conflict(known) : new UnknownConstraintError(firstLine(inner.message));
  }
  if (code === '42501') {
    // insufficient_privilege: the role in DATABASE_URL lacks a grant (a table added by a migration
    // since the roles were set up, or the application role asked to change the schema).
    return unavailable(
      `${describeServer(databaseUrl)} refused: ${firstLine(inner.message)}`,
      'the database role in DATABASE_URL lacks this privilege; see `epicevents db roles --print` and docs/database.md',
    );
  }
  if (code === '53100' || code === '53200') {
    // disk_full, out_of_memory: the server's resources, for its administrator to fix; not a bug.
    return unavailable(`${describeServer(databaseUrl)} cannot write: ${firstLine(inner.message)}`, 'the database server is out of disk space or memory; tell its administrator');
  }
  if (code === '57014') {
    // query_canceled: `serve` cancels statements that run too long (statement_timeout), or an administrator did.
    return unavailable(`${describeServer(databaseUrl)} cancelled a statement that ran too long`, 'try again in a moment; if it keeps happening, tell the administrator');
  }
  if (code === UNKNOWN_TENANT_SQLSTATE) {
    // The scope statement of a session (src/database/tenant-scope.ts): EPICEVENTS_TENANT names no tenant.
    return unavailable(`${firstLine(inner.message)} (EPICEVENTS_TENANT)`, `unset EPICEVENTS_TENANT to work in the tenant "${DEFAULT_TENANT}", or name an existing tenant`);
  }
  if (code === PLAN_LIMIT_SQLSTATE) {
    // The usage triggers' refusal names the limit, the plan and what to do: said as it is.
    return conflict(firstLine(inner.message));
  }
  if (code === LAST_MANAGER_SQLSTATE) {
    // The employees' triggers: the employee service's own sentence and hint, for a write that went around it.
    return conflict(firstLine(inner.message), inner.hint ? firstLine(inner.hint) : undefined);
  }
  if (code === '40001' || code === '40P01') {
    return conflict('another command changed the same records at the same time; run it again');
  }
  return error;
}

/**
 * Errors while opening a connection to a server. Besides what `translateDatabaseError` knows, a
 * failed TLS handshake or an unreadable certificate file named in DATABASE_URL is a setting to
 * fix (exit 7), not a bug. The message never repeats the URL.
 */
export function translateConnectError(error: unknown, databaseUrl: string | undefined): unknown {
  const translated = translateDatabaseError(error, databaseUrl);
  if (translated instanceof CliError || !databaseUrl) return translated;
  const e = (error ?? {}) as DriverError & { syscall?: string };
  if (/\bSSL\b|\bTLS\b|certificate/i.test(e.message ?? '')) {
    return unavailable(`cannot connect to ${describeServer(databaseUrl)}: ${firstLine(e.message)}`, 'check sslmode and the certificates named in DATABASE_URL');
  }
  if (e.syscall === 'open' && (e.code === 'ENOENT' || e.code === 'EACCES')) {
    return unavailable(`cannot connect to ${describeServer(databaseUrl)}: a file named in DATABASE_URL cannot be read (${e.code})`, 'check sslrootcert, sslcert and sslkey in DATABASE_URL');
  }
  return translated;
}

function connectionReason(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case '53300':
      return 'the server has too many connections; try again shortly';
    default:
      return 'the connection was lost';
  }
}

function firstLine(message: string | undefined): string {
  return (message ?? 'unknown error').split('\n')[0];
}
