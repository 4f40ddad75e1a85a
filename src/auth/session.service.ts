import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { type SqlRunner } from '../database/sql-runner';
import { currentTenant } from '../database/tenant-scope';
import { unauthenticated } from '../errors/cli-error';
import { type FieldChanges } from '../entities/audit-entry.entity';
import { recordAudit } from '../services/audit.service';
import { returningRows } from '../services/returning-rows';
import { type Actor, type ActorRow, toActor } from './actor';
import { loadActiveEmployee, sessionAccountGone } from './current-actor';
import { alreadyInitialised } from './session-renewal';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords';
import { passwordPolicyError, passwordRuleError, samePassword } from '../validation/password-policy';
import { ExpiredTokenError, hashToken, type IssuedToken, signToken, verifyToken } from './tokens';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
const BAD_CREDENTIALS = 'invalid email or password';

export interface TokenSettings {
  secret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface Session {
  actor: Actor;
  /** The tenant of the login (the tokens' `tid`). */
  tenantId: number;
  access: IssuedToken;
  refresh: IssuedToken;
  familyId: string;
}

interface EmployeeRow extends ActorRow {
  password_hash: string;
  failed_login_count: number;
  locked_until: Date | null;
}

/**
 * Logs in with email and password. Unknown emails are verified against a dummy hash and get the
 * same message as a wrong password; 5 wrong passwords in a row lock the account for 15 minutes.
 */
export async function login(db: SqlRunner, email: string, password: string, settings: TokenSettings, now = new Date()): Promise<Session> {
  const row = await findByEmail(db, email);
  if (!row) {
    await verifyPassword(DUMMY_PASSWORD_HASH, password);
    throw unauthenticated(BAD_CREDENTIALS);
  }
  const attempt = await countPasswordAttempt(db, row.id, now, (manager, lockedUntil) => auditFailedLogin(manager, row.id, 'locked', { lockedUntil }));
  if (!attempt.counted) throw attempt.lockedUntil ? lockedError(attempt.lockedUntil, now) : unauthenticated(BAD_CREDENTIALS);
  if (!(await verifyPassword(row.password_hash, password))) {
    await db.transaction((manager) => auditFailedLogin(manager, row.id, 'wrong password', attempt));
    throw attempt.lockedUntil ? lockedError(attempt.lockedUntil, now) : unauthenticated(BAD_CREDENTIALS, lastAttemptWarning(attempt));
  }
  if (!row.is_active) {
    await db.transaction((manager) => auditFailedLogin(manager, row.id, 'deactivated', attempt));
    throw unauthenticated('this account is deactivated', 'ask a manager to reactivate it');
  }
  return db.transaction(async (manager) => {
    await manager.query('UPDATE employees SET failed_login_count = 0, locked_until = NULL WHERE id = $1', [row.id]);
    const actor = toActor(row);
    const session = await startSession(manager, actor, settings, now);
    await recordAudit(manager, { actor, action: 'session.login', entityType: 'employee', entityId: actor.id });
    return session;
  });
}

/**
 * A login to a tenant that does not exist: refused as a wrong password is, after as long (a
 * password checked against the dummy hash), so that neither the answer nor its time tells which
 * tenants exist, nor which tenant an email belongs to.
 */
export async function refuseLoginToUnknownTenant(password: string): Promise<never> {
  await verifyPassword(DUMMY_PASSWORD_HASH, password);
  throw unauthenticated(BAD_CREDENTIALS);
}

/** Why a login of a known account failed, as its audit entry says. */
export type FailedLoginReason = 'wrong password' | 'locked' | 'deactivated';

/**
 * The audit entries of a failed login of a known account, about that account and by nobody (who
 * typed the password is not known): `session.login-failed` with the reason and the wrong
 * passwords in a row, and `session.lockout` when this attempt started a lockout. An unknown email
 * gets none: there is no account to point at (docs/security.md).
 */
async function auditFailedLogin(
  manager: EntityManager,
  employeeId: number,
  reason: FailedLoginReason,
  attempt: Pick<PasswordAttempt, 'lockedUntil' | 'inARow'>,
): Promise<void> {
  const fact = (after: unknown) => ({ before: null, after });
  const changes: FieldChanges = { reason: fact(reason) };
  if (attempt.inARow !== undefined) changes.failedLoginsInARow = fact(attempt.inARow);
  if (reason === 'locked' && attempt.lockedUntil) changes.lockedUntil = fact(attempt.lockedUntil.toISOString());
  await recordAudit(manager, { actor: null, action: 'session.login-failed', entityType: 'employee', entityId: employeeId, changes });
  // The attempt that made MAX_FAILED_LOGINS in a row set the lock: a lockout starts now.
  if (reason === 'wrong password' && attempt.lockedUntil) {
    await recordAudit(manager, {
      actor: null,
      action: 'session.lockout',
      entityType: 'employee',
      entityId: employeeId,
      changes: { lockedUntil: fact(attempt.lockedUntil.toISOString()), failedLoginsInARow: fact(attempt.inARow ?? MAX_FAILED_LOGINS) },
    });
  }
}

interface PasswordAttempt {
  /** False when the account is locked (or no longer exists): the password must not be checked. */
  counted: boolean;
  /** The end of the lock: the one that refused the attempt, or the one this attempt set. */
  lockedUntil: Date | null;
  /** Wrong passwords in a row, this attempt included (when counted). */
  inARow?: number;
}

/** Said with a wrong password when the next wrong one would lock the account: the person can stop and reset it instead. */
function lastAttemptWarning(attempt: PasswordAttempt): string | undefined {
  return attempt.inARow === MAX_FAILED_LOGINS - 1 ? `one more wrong password locks the account for ${LOCKOUT_MS / 60000} minutes` : undefined;
}

/**
 * Counts a password attempt before the password is checked, in one statement that never lowers
 * the count nor touches a lock in force: while the account is locked nothing is counted and the
 * attempt is refused unchecked; the attempt that makes MAX_FAILED_LOGINS in a row sets the lock (a
 * right password lifts it again at once). Counting first means parallel attempts cannot outrun the
 * lockout: at most MAX_FAILED_LOGINS passwords are checked per lockout period, however many arrive
 * together. Once a lock has ended, counting starts again from one. It runs in its own transaction,
 * so the count sticks although the command fails; a right password resets it (login, password
 * change). `whenLocked` writes, in that transaction, what an attempt refused unchecked leaves
 * behind (a login's audit entry).
 */
async function countPasswordAttempt(
  db: SqlRunner,
  employeeId: number,
  now: Date,
  whenLocked?: (manager: EntityManager, lockedUntil: Date) => Promise<void>,
): Promise<PasswordAttempt> {
  return db.transaction(async (manager) => {
    const rows = await returningRows<{ locked_until: Date | null; failed_login_count: number }>(
      manager,
      `UPDATE employees
          SET failed_login_count = CASE WHEN locked_until IS NULL THEN failed_login_count + 1 ELSE 1 END,
              locked_until = CASE WHEN (CASE WHEN locked_until IS NULL THEN failed_login_count + 1 ELSE 1 END) >= $2 THEN $3::timestamptz END
        WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $4)
        RETURNING locked_until, failed_login_count`,
      [employeeId, MAX_FAILED_LOGINS, new Date(now.getTime() + LOCKOUT_MS), now],
    );
    if (rows.length > 0) return { counted: true, lockedUntil: rows[0].locked_until, inARow: Number(rows[0].failed_login_count) };
    const [current]: { locked_until: Date | null }[] = await manager.query('SELECT locked_until FROM employees WHERE id = $1', [employeeId]);
    const lockedUntil = current?.locked_until ? new Date(current.locked_until) : null;
    if (lockedUntil && whenLocked) await whenLocked(manager, lockedUntil);
    return { counted: false, lockedUntil };
  });
}

function lockedError(until: Date, now: Date) {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60000));
  return unauthenticated(`too many wrong passwords: the account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}`);
}

async function findByEmail(db: SqlRunner, email: string): Promise<EmployeeRow | undefined> {
  const rows: EmployeeRow[] = await db.query(
    `SELECT id, first_name, last_name, email, role, is_active, must_change_password, password_hash, failed_login_count, locked_until
       FROM employees WHERE email_key = lower($1)`,
    [email],
  );
  return rows[0];
}

async function startSession(manager: EntityManager, actor: Actor, settings: TokenSettings, now: Date): Promise<Session> {
  const familyId = randomUUID();
  // The login's tenant is the transaction's, which the row's default records.
  const [family]: { tenant_id: string }[] = await manager.query('INSERT INTO session_families (id, employee_id) VALUES ($1, $2) RETURNING tenant_id', [familyId, actor.id]);
  return issueTokens(manager, actor, Number(family.tenant_id), familyId, settings, now);
}

async function issueTokens(manager: EntityManager, actor: Actor, tenantId: number, familyId: string, settings: TokenSettings, now: Date): Promise<Session> {
  // The slug goes into the tokens too, for the server's check of X-Tenant-ID (docs/api.md).
  const { slug } = await currentTenant(manager);
  const subject = { id: actor.id, role: actor.role, tenantId, tenantSlug: slug };
  const access = signToken(settings.secret, 'access', subject, familyId, settings.accessTtlSeconds, now);
  const refresh = signToken(settings.secret, 'refresh', subject, familyId, settings.refreshTtlSeconds, now);
  await manager.query('INSERT INTO refresh_tokens (id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [
    refresh.jti,
    familyId,
    hashToken(refresh.token),
    refresh.expiresAt,
  ]);
  return { actor, tenantId, access, refresh, familyId };
}

/**
 * Trades a refresh token for a new pair (rotation). A token that was already used means it was
 * copied: the whole family is revoked, so the thief and the victim both have to log in again.
 *
 * `keep` stores the new pair before the rotation commits: if it fails (a read-only or full
 * config folder), the rotation is rolled back and the presented token stays the valid one, so the
 * next command presents it again without it looking like a replay. No reuse window is needed, and
 * none is given to whoever copied the token.
 */
export async function refreshSession(
  db: SqlRunner,
  refreshToken: string,
  settings: TokenSettings,
  now = new Date(),
  keep: (session: Session) => Promise<void> = async () => undefined,
): Promise<Session> {
  const claims = verifyOrExpired(settings.secret, refreshToken, now);
  const outcome = await db.transaction(async (manager) => {
    const rows: { family_id: string; tenant_id: string; used_at: Date | null; revoked_at: Date | null }[] = await manager.query(
      `SELECT t.family_id, t.tenant_id, t.used_at, f.revoked_at
         FROM refresh_tokens t JOIN session_families f ON f.id = t.family_id
        WHERE t.token_hash = $1
        FOR UPDATE OF t, f`,
      [hashToken(refreshToken)],
    );
    const token = rows[0];
    if (!token || token.revoked_at) return { kind: 'revoked' as const };
    if (token.used_at) {
      await manager.query(`UPDATE session_families SET revoked_at = now(), revoked_reason = 'refresh_replay' WHERE id = $1`, [token.family_id]);
      return { kind: 'replay' as const };
    }
    await manager.query('UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1', [hashToken(refreshToken)]);
    const employee = await loadActiveEmployee(manager, Number(claims.sub));
    const session = await issueTokens(manager, employee, Number(token.tenant_id), token.family_id, settings, now);
    await keep(session);
    return { kind: 'rotated' as const, session };
  });
  if (outcome.kind === 'rotated') return outcome.session;
  if (outcome.kind === 'replay') {
    throw unauthenticated('this session was revoked: a refresh token was used twice, which means it was copied', 'log in again with `epicevents login`');
  }
  throw unauthenticated('the session has ended', 'log in again with `epicevents login`');
}

/**
 * The tenant of a refresh token (its `tid`), verified as `refreshSession` verifies it: the server
 * sets it for the renewal's transactions, since the token's row is visible only in its tenant.
 */
export function refreshTokenTenant(secret: string, refreshToken: string, now = new Date()): number {
  return verifyOrExpired(secret, refreshToken, now).tid;
}

function verifyOrExpired(secret: string, token: string, now: Date) {
  try {
    return verifyToken(secret, token, 'refresh', now);
  } catch (error) {
    if (error instanceof ExpiredTokenError) throw unauthenticated('the session has expired', 'log in again with `epicevents login`');
    throw error;
  }
}

/** Revokes the login (refresh family) server-side. */
export async function logout(db: SqlRunner, actor: Actor | undefined, familyId: string): Promise<void> {
  await db.transaction(async (manager) => {
    await manager.query(`UPDATE session_families SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL`, [familyId]);
    await recordAudit(manager, { actor: actor ?? null, action: 'session.logout', entityType: 'employee', entityId: actor?.id ?? null, recheckActor: false });
  });
}

export interface NewManager {
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

/** Whether any employee exists: `init` is over once one does. */
export async function isInitialised(manager: EntityManager): Promise<boolean> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM employees LIMIT 1');
  return rows.length > 0;
}

/** `init` creates the first account only: refused (exit 6) once any employee exists. */
export async function assertNotInitialised(manager: EntityManager): Promise<void> {
  if (await isInitialised(manager)) throw alreadyInitialised();
}

/**
 * Creates the first MANAGEMENT account. The table lock makes concurrent `init`s queue: the first
 * inserts, every other one then sees an employee and is refused.
 */
export async function bootstrapFirstManager(db: SqlRunner, input: NewManager): Promise<Actor> {
  const policy = passwordPolicyError(input.password);
  if (policy) throw passwordRuleError(policy, 'password');
  // Refused at once when it is over: the hash (deliberately slow) is made only for an account that may be created.
  await db.transaction((manager) => assertNotInitialised(manager));
  const hash = await hashPassword(input.password);
  return db.transaction(async (manager) => {
    await manager.query('LOCK TABLE employees IN SHARE ROW EXCLUSIVE MODE');
    await assertNotInitialised(manager);
    return insertFirstManager(manager, input, hash);
  });
}

/**
 * Inserts a tenant's first MANAGEMENT account, and its audit entry, in the transaction of
 * `manager` (whose tenant is set): `init` once it has made sure there is none, and a new tenant's
 * creation. `passwordHash` is of a password that passed the policy.
 */
export async function insertFirstManager(manager: EntityManager, input: Omit<NewManager, 'password'>, passwordHash: string): Promise<Actor> {
  const rows: ActorRow[] = await manager.query(
    `INSERT INTO employees (first_name, last_name, email, role, password_hash)
     VALUES ($1, $2, $3, 'MANAGEMENT', $4)
     RETURNING id, first_name, last_name, email, role, is_active, must_change_password`,
    [input.firstName, input.lastName, input.email, passwordHash],
  );
  const actor = toActor(rows[0]);
  await recordAudit(manager, {
    actor,
    action: 'employee.create',
    entityType: 'employee',
    entityId: actor.id,
    changes: {
      firstName: { before: null, after: actor.firstName },
      lastName: { before: null, after: actor.lastName },
      email: { before: null, after: actor.email },
      role: { before: null, after: actor.role },
    },
  });
  return actor;
}

/**
 * Changes the caller's own password after checking the current one; clears the must-change flag
 * and ends every other login of the account. A wrong current password counts towards the lockout
 * like a failed login (a session is not a licence to guess) and is audited.
 */
export async function changePassword(db: SqlRunner, actor: Actor, familyId: string | undefined, current: string, next: string, now = new Date()): Promise<void> {
  // What needs no password check comes first: a refusal here reveals nothing about the current one.
  const policy = passwordPolicyError(next);
  if (policy) throw passwordRuleError(policy, 'newPassword');
  if (samePassword(next, current)) throw passwordRuleError('the new password must differ from the current one', 'newPassword');
  const rows: { password_hash: string }[] = await db.query('SELECT password_hash FROM employees WHERE id = $1', [actor.id]);
  if (!rows[0]) throw sessionAccountGone();
  const attempt = await countPasswordAttempt(db, actor.id, now);
  if (!attempt.counted) throw attempt.lockedUntil ? lockedError(attempt.lockedUntil, now) : sessionAccountGone();
  if (!(await verifyPassword(rows[0].password_hash, current))) {
    await db.transaction((manager) =>
      recordAudit(manager, {
        actor,
        action: 'employee.password-change-failed',
        entityType: 'employee',
        entityId: actor.id,
        changes: attempt.lockedUntil ? { lockedUntil: { before: null, after: attempt.lockedUntil.toISOString() } } : {},
      }),
    );
    throw attempt.lockedUntil ? lockedError(attempt.lockedUntil, now) : unauthenticated('the current password is wrong', lastAttemptWarning(attempt));
  }
  const hash = await hashPassword(next);
  await db.transaction(async (manager) => {
    await manager.query(
      `UPDATE employees SET password_hash = $2, must_change_password = false, failed_login_count = 0, locked_until = NULL, updated_at = now(), version = version + 1
        WHERE id = $1`,
      [actor.id, hash],
    );
    await manager.query(
      `UPDATE session_families SET revoked_at = now(), revoked_reason = 'password_change'
        WHERE employee_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2::uuid`,
      [actor.id, familyId ?? null],
    );
    await recordAudit(manager, {
      actor,
      action: 'employee.password-change',
      entityType: 'employee',
      entityId: actor.id,
      changes: { mustChangePassword: { before: actor.mustChangePassword, after: false } },
    });
  });
}
