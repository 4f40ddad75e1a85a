import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { type SqlRunner } from '../database/sql-runner';
import { conflict, unauthenticated } from '../errors/cli-error';
import { passwordPolicyError, passwordRuleError } from '../validation/password-policy';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords';
import { type IssuedToken, type PlatformTokenClaims, signPlatformToken } from './tokens';

/**
 * The platform operator's accounts and logins (docs/tenancy.md): who runs the service, apart from
 * every tenant's employees. Its tables have no tenant; its tokens are of their own type.
 */
export interface PlatformOperator {
  id: number;
  email: string;
  name: string | null;
  createdAt: Date;
}

interface OperatorRow {
  id: string | number;
  email: string;
  name: string | null;
  created_at: Date;
}

const toOperator = (row: OperatorRow): PlatformOperator => ({ id: Number(row.id), email: row.email, name: row.name, createdAt: row.created_at });

const BAD_CREDENTIALS = 'invalid email or password';
const LOGIN_AGAIN = 'log in again with `epicevents platform login --server URL --email E`';

/** How long a platform login lasts (its token's lifetime; there is no refresh). */
export const PLATFORM_SESSION_SECONDS = 8 * 3600;

/** One row of the platform's audit trail, in the transaction of the action it records. */
export async function recordPlatformAudit(
  manager: EntityManager,
  entry: { operatorId: number; action: string; tenantId?: number | null; details?: Record<string, unknown> },
): Promise<void> {
  await manager.query('INSERT INTO platform_audit_log (operator_id, action, target_tenant_id, details) VALUES ($1, $2, $3, $4)', [
    entry.operatorId,
    entry.action,
    entry.tenantId ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}

export interface NewOperator {
  email: string;
  name?: string;
  password: string;
}

/**
 * `platform init`: the first operator, only while there is none. The table lock makes parallel
 * inits queue; the first inserts, every other one then finds it and is refused (exit 6).
 */
export async function initPlatformOperator(db: SqlRunner, input: NewOperator): Promise<PlatformOperator> {
  const policy = passwordPolicyError(input.password);
  if (policy) throw passwordRuleError(policy, 'password');
  await db.transaction((manager) => assertNoOperator(manager));
  const hash = await hashPassword(input.password);
  return db.transaction(async (manager) => {
    await manager.query('LOCK TABLE platform_operators IN SHARE ROW EXCLUSIVE MODE');
    await assertNoOperator(manager);
    const [row]: OperatorRow[] = await manager.query('INSERT INTO platform_operators (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id, email, name, created_at', [
      input.email,
      input.name ?? null,
      hash,
    ]);
    const operator = toOperator(row);
    await recordPlatformAudit(manager, { operatorId: operator.id, action: 'operator.init', details: { email: operator.email } });
    return operator;
  });
}

async function assertNoOperator(manager: EntityManager): Promise<void> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM platform_operators LIMIT 1');
  if (rows.length > 0) throw conflict('a platform operator exists already', 'log in with `epicevents platform login --server URL --email E`');
}

export interface PlatformSession {
  operator: PlatformOperator;
  token: IssuedToken;
  sessionId: string;
}

/**
 * Logs an operator in: an unknown email is checked against the dummy hash and refused as a wrong
 * password is. The server's per-address and per-email throttle stands in front (429).
 */
export async function platformLogin(db: SqlRunner, email: string, password: string, secret: string, now = new Date()): Promise<PlatformSession> {
  const [row]: (OperatorRow & { password_hash: string })[] = await db.query(
    'SELECT id, email, name, created_at, password_hash FROM platform_operators WHERE email_key = lower($1)',
    [email],
  );
  if (!(await verifyPassword(row?.password_hash ?? DUMMY_PASSWORD_HASH, password)) || !row) throw unauthenticated(BAD_CREDENTIALS);
  const operator = toOperator(row);
  const sessionId = randomUUID();
  const token = signPlatformToken(secret, operator.id, sessionId, PLATFORM_SESSION_SECONDS, now);
  await db.transaction(async (manager) => {
    await manager.query('INSERT INTO platform_sessions (id, operator_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [sessionId, operator.id, now, token.expiresAt]);
    await recordPlatformAudit(manager, { operatorId: operator.id, action: 'session.login' });
  });
  return { operator, token, sessionId };
}

/** The operator behind a verified platform token, while its login has not ended. */
export async function platformCaller(db: SqlRunner, claims: PlatformTokenClaims): Promise<{ operator: PlatformOperator; sessionId: string }> {
  const [row]: OperatorRow[] = await db.query(
    `SELECT o.id, o.email, o.name, o.created_at
       FROM platform_sessions s JOIN platform_operators o ON o.id = s.operator_id
      WHERE s.id = $1 AND s.operator_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    [claims.sid, claims.sub],
  );
  if (!row) throw unauthenticated('the platform session has ended', LOGIN_AGAIN);
  return { operator: toOperator(row), sessionId: claims.sid };
}

/** Ends the login server-side: every token of it stops working. */
export async function platformLogout(db: SqlRunner, operator: PlatformOperator, sessionId: string): Promise<void> {
  await db.transaction(async (manager) => {
    await manager.query('UPDATE platform_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
    await recordPlatformAudit(manager, { operatorId: operator.id, action: 'session.logout' });
  });
}
