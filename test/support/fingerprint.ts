import { type Queryable } from './factories';

/**
 * Row count and a hash of every row, per table: two equal fingerprints mean nothing was written,
 * deleted or changed in between. The login-failure counter of employees is left out, because a
 * refused login is meant to count (see docs/security.md, lockout), and so are the audit entries of
 * wrong current passwords given to `password change`, which are meant to be recorded.
 */
const TABLES: { table: string; row: string; where?: string }[] = [
  { table: 'employees', row: "to_jsonb(t) - 'failed_login_count' - 'locked_until'" },
  { table: 'clients', row: 'to_jsonb(t)' },
  { table: 'contracts', row: 'to_jsonb(t)' },
  { table: 'events', row: 'to_jsonb(t)' },
  { table: 'audit_log', row: 'to_jsonb(t)', where: "t.action <> 'employee.password-change-failed'" },
  { table: 'notifications', row: 'to_jsonb(t)' },
  { table: 'session_families', row: 'to_jsonb(t)' },
  { table: 'refresh_tokens', row: 'to_jsonb(t)' },
];

const SQL = `SELECT ${TABLES.map(
  ({ table, row, where }) =>
    `(SELECT count(*) || ':' || coalesce(md5(string_agg((${row})::text, ',' ORDER BY t.id::text)), '') FROM ${table} t${where ? ` WHERE ${where}` : ''}) AS ${table}`,
).join(',\n       ')}`;

export type Fingerprint = Record<string, string>;

export async function fingerprint(db: Queryable): Promise<Fingerprint> {
  const [row] = (await db.query(SQL)) as Fingerprint[];
  return row;
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return TABLES.map(({ table }) => table).filter((table) => before[table] !== after[table]);
}
