import { superuserClient } from './test-database';

/**
 * Making races and faults deterministic on a server: another connection holds a row lock while
 * the contenders start, the test waits until every one of them is blocked on it, then lets go (or
 * pulls the plug), so they really reach the row at the same moment.
 */
export interface HeldLock {
  release(): Promise<void>;
}

/** `SELECT … FOR UPDATE` on rows of one table, in an open transaction, until `release()`. */
export async function holdRowLock(url: string, table: string, where: string, params: unknown[]): Promise<HeldLock> {
  const client = superuserClient(url);
  // A fault test may stop the server under this connection: that must not crash the test runner.
  client.on('error', () => undefined);
  await client.connect();
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM ${table} WHERE ${where} FOR UPDATE`, params);
  return {
    release: async () => {
      try {
        await client.query('ROLLBACK');
      } catch {
        // the server went away: the transaction is gone with it
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** Backends of the CLI (application_name `epicevents`) on this database that wait for a lock. */
export async function blockedBackends(url: string): Promise<number[]> {
  const client = superuserClient(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'epicevents' AND wait_event_type = 'Lock'`,
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/**
 * Waits until `count` CLI backends are blocked on a lock; their process ids on the server.
 * `finishedEarly` reports contenders that ended before reaching the lock (then waiting is vain).
 */
export async function waitForBlocked(url: string, count: number, timeoutMs = 30_000, finishedEarly?: () => string | undefined): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await blockedBackends(url);
    if (pids.length >= count) return pids;
    const early = finishedEarly?.();
    if (early) throw new Error(`a command ended before reaching the lock: ${early}`);
    if (Date.now() > deadline) throw new Error(`only ${pids.length} of ${count} commands reached the lock; the CLI's backends: ${await describeBackends(url)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Ends server backends as an administrator would (`pg_terminate_backend`). */
export async function terminateBackends(url: string, pids: number[]): Promise<void> {
  const client = superuserClient(url);
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  } finally {
    await client.end();
  }
}

async function describeBackends(url: string): Promise<string> {
  const client = superuserClient(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ line: string }>(
      `SELECT concat_ws(' ', pid, state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 80)) AS line
         FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'epicevents'`,
    );
    return rows.map((row) => row.line).join(' | ') || 'none';
  } finally {
    await client.end();
  }
}

/** Follows CLI runs as they end, for `waitForBlocked`'s `finishedEarly`. */
export function watchRuns(runs: Promise<{ code: number | null; stderr: string }>[]): () => string | undefined {
  const ended: string[] = [];
  for (const run of runs) run.then((r) => ended.push(`exit ${r.code}: ${r.stderr.trim()}`), (e: Error) => ended.push(e.message.split('\n')[0]));
  return () => (ended.length > 0 ? ended.join(' | ') : undefined);
}
