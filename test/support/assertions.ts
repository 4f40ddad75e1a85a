import { CliError, type ErrorCode, exitCodeFor } from '../../src/errors/cli-error';
import { type CliResult } from './cli';
import { type Queryable } from './factories';

/** Awaits a call that must fail with a CliError of this code; returns the error for more checks. */
export async function expectCliError(call: Promise<unknown>, code: ErrorCode): Promise<CliError> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof CliError)) throw new Error(`expected a CliError "${code}", got ${caught === undefined ? 'success' : String(caught)}`);
  expect({ code: caught.code, exitCode: exitCodeFor(caught.code), message: caught.message }).toMatchObject({ code, exitCode: exitCodeFor(code) });
  return caught;
}

const SNAPSHOT_TABLES = ['employees', 'clients', 'contracts', 'events', 'session_families', 'audit_log', 'notifications'];

/** Every row of every business table: compare two snapshots to prove that nothing was written. */
export async function snapshot(db: Queryable): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of SNAPSHOT_TABLES) result[table] = await db.query(`SELECT * FROM ${table} ORDER BY id`);
  return result;
}

/** A refusal as the CLI must give it: this exit code, nothing on stdout, one line on stderr, no stack trace. */
export function expectOneLineError(result: CliResult, code: number, pattern: RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
}
