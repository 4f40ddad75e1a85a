import { type Queryable } from './factories';

/**
 * Row count and a hash of every row, per table: two equal fingerprints mean nothing was written,
 * deleted or changed in between. The login-failure counter of employees is left out, because a
 * refused login is meant to count (see docs/security.md, lockout), and so are the audit entries of
 * wrong current passwords given to `password change` and of failed logins, which are meant to be
 * recorded.
 */
const TABLES: { table: string; row: string; where?: string }[] = [
  { table: 'employees', row: "to_jsonb(t) - 'failed_login_count' - 'locked_until'" },
  { table: 'clients', row: 'to_jsonb(t)' },
  { table: 'contracts', row: 'to_jsonb(t)' },
  { table: 'events', row: 'to_jsonb(t)' },
  { table: 'audit_log', row: 'to_jsonb(t)', where: "t.action NOT IN ('employee.password-change-failed', 'session.login-failed', 'session.lockout')" },
  { table: 'notifications', row: 'to_jsonb(t)' },
  { table: 'session_families', row: 'to_jsonb(t)' },
  { table: 'refresh_tokens', row: 'to_jsonb(t)' },
];

/** With `oneTenant`, only the rows of the tenant in $1 (read by a role that sees every tenant: the superuser). */
const sql = (oneTenant: boolean) => `SELECT ${TABLES.map(({ table, row, where }) => {
  const conditions = [...(where ? [where] : []), ...(oneTenant ? ['t.tenant_id = $1'] : [])];
  return `(SELECT count(*) || ':' || coalesce(md5(string_agg((${row})::text, ',' ORDER BY t.id::text)), '') FROM ${table} t${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}) AS ${table}`;
}).join(',\n       ')}`;

export type Fingerprint = Record<string, string>;

/** Every row of every tenant, or with `tenantId` those of one tenant. */
export async function fingerprint(db: Queryable, { tenantId }: { tenantId?: number } = {}): Promise<Fingerprint> {
  const [row] = (await (tenantId === undefined ? db.query(sql(false)) : db.query(sql(true), [tenantId]))) as Fingerprint[];
  return row;
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return TABLES.map(({ table }) => table).filter((table) => before[table] !== after[table]);
}
