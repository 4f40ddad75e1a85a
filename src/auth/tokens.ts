import { createHash, createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import { type Role, ROLES } from '../domain/roles';
import { isTenantSlug } from '../domain/tenancy';
import { unauthenticated } from '../errors/cli-error';
import { durationSeconds, MAX_ACCESS_TTL, MAX_REFRESH_TTL } from '../config/duration';

export const ISSUER = 'epicevents';
export const AUDIENCE = 'epicevents-cli';
/**
 * The platform operator's tokens have an audience of their own besides their type: an employee's
 * token fails the platform's verification on both, and a platform token the employees'.
 */
export const PLATFORM_AUDIENCE = 'epicevents-platform';

export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  sub: string;
  role: Role;
  typ: TokenType;
  jti: string;
  /** The login (refresh-token family) the token belongs to. */
  sid: string;
  /** The tenant the login belongs to (its id): every request of the token works in it, and only in it. */
  tid: number;
  /**
   * That tenant's slug, signed with the rest: the server compares it with the `X-Tenant-ID` a
   * client sends without reading the database. `tid` stays the one the server works in.
   */
  tenant: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

type Jwt = typeof import('jsonwebtoken');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jwt = (): Jwt => require('jsonwebtoken') as Jwt;

export interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

export interface TokenSubject {
  id: number;
  role: Role;
  tenantId: number;
  tenantSlug: string;
}

export function signToken(secret: string, type: TokenType, subject: TokenSubject, familyId: string, ttlSeconds: number, now = new Date()): IssuedToken {
  const jti = randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const token = jwt().sign({ role: subject.role, typ: type, sid: familyId, tid: subject.tenantId, tenant: subject.tenantSlug, iat }, secret, {
    algorithm: 'HS256',
    subject: String(subject.id),
    jwtid: jti,
    expiresIn: ttlSeconds,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  return { token, jti, expiresAt: new Date((iat + ttlSeconds) * 1000) };
}

export class ExpiredTokenError extends Error {}

let secretKey: { secret: string; key: KeyObject } | undefined;

/**
 * The secret as a key object, made once per process. Given a string, jsonwebtoken first tries to
 * read it as a PEM public key and builds the secret key only when that throws, at every
 * verification: that was a seventh of the server's CPU time per request (docs/performance.md).
 */
function keyOf(secret: string): KeyObject {
  if (secretKey?.secret !== secret) secretKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return secretKey.key;
}

/**
 * How far in the future a token's issue time (`iat`) may be. Tokens are signed on one machine and
 * may be checked on another (EPICEVENTS_TOKEN handed to a CI runner), whose clocks differ; machines
 * kept by NTP agree within a second, and a minute also covers a laptop that has drifted. An issue
 * time further ahead comes from a forged token or a broken clock, and would stretch the token's life.
 */
export const CLOCK_SKEW_SECONDS = 60;

/** The highest employee id (`employees.id` is an `integer`). */
const MAX_EMPLOYEE_ID = 2_147_483_647;

const MAX_LIFETIME_SECONDS: Record<TokenType, number> = {
  access: durationSeconds(MAX_ACCESS_TTL) as number,
  refresh: durationSeconds(MAX_REFRESH_TTL) as number,
};

const invalid = (expected: TokenType) => unauthenticated(`the session token is not a valid ${expected} token`, 'log in again with `epicevents login`');

/**
 * Verifies signature (HS256 only: `none` and every other algorithm are refused), expiry, issuer,
 * audience, and that the token is of the expected type with every claim present and within range:
 * an employee id the database can hold, a tenant id and its slug (a token from before them has
 * none and is refused: its holder logs in again), an issue time not ahead of this clock (beyond
 * CLOCK_SKEW_SECONDS), a lifetime no longer than the settings allow. A header naming critical
 * extensions (`crit`) is refused: this verifier implements none of them.
 */
export function verifyToken(secret: string, token: string, expected: TokenType, now = new Date()): TokenClaims {
  const clock = Math.floor(now.getTime() / 1000);
  let claims: unknown;
  try {
    claims = jwt().verify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTimestamp: clock,
    });
  } catch (error) {
    if ((error as Error).name === 'TokenExpiredError') throw new ExpiredTokenError('token expired');
    throw unauthenticated('the session token is not valid', 'log in again with `epicevents login`');
  }
  const header = (jwt().decode(token, { complete: true }) as { header?: object } | null)?.header;
  if (!header || 'crit' in header) throw invalid(expected);
  const c = claims as Partial<TokenClaims>;
  const valid =
    typeof c === 'object' &&
    c.typ === expected &&
    typeof c.sub === 'string' &&
    /^[1-9][0-9]{0,9}$/.test(c.sub) &&
    Number(c.sub) <= MAX_EMPLOYEE_ID &&
    typeof c.jti === 'string' &&
    typeof c.sid === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(c.sid) &&
    Number.isSafeInteger(c.tid) &&
    (c.tid as number) >= 1 &&
    typeof c.tenant === 'string' &&
    isTenantSlug(c.tenant) &&
    Number.isSafeInteger(c.iat) &&
    Number.isSafeInteger(c.exp) &&
    (c.iat as number) <= clock + CLOCK_SKEW_SECONDS &&
    (c.exp as number) > (c.iat as number) &&
    (c.exp as number) - (c.iat as number) <= MAX_LIFETIME_SECONDS[expected] &&
    ROLES.includes(c.role as Role);
  if (!valid) throw invalid(expected);
  return c as TokenClaims;
}

/** What a platform operator's token says: the operator, its login, and nothing of a tenant. */
export interface PlatformTokenClaims {
  sub: string;
  typ: 'platform';
  jti: string;
  /** The operator's login (a row of platform_sessions): logout ends every token of it. */
  sid: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

/** A platform login lasts a working day at most; then the operator logs in again (there is no refresh). */
export const PLATFORM_TOKEN_MAX_SECONDS = 12 * 3600;

export function signPlatformToken(secret: string, operatorId: number, sessionId: string, ttlSeconds: number, now = new Date()): IssuedToken {
  if (ttlSeconds > PLATFORM_TOKEN_MAX_SECONDS) throw new RangeError(`a platform token lives at most ${PLATFORM_TOKEN_MAX_SECONDS} s`);
  const jti = randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const token = jwt().sign({ typ: 'platform', sid: sessionId, iat }, secret, {
    algorithm: 'HS256',
    subject: String(operatorId),
    jwtid: jti,
    expiresIn: ttlSeconds,
    issuer: ISSUER,
    audience: PLATFORM_AUDIENCE,
  });
  return { token, jti, expiresAt: new Date((iat + ttlSeconds) * 1000) };
}

const invalidPlatform = () => unauthenticated('the session token is not a valid platform operator token', 'log in with `epicevents platform login`');

/**
 * Verifies a platform operator's token as `verifyToken` does an employee's (HS256 only, issuer,
 * expiry, no `crit`), with the platform's audience and type: an employee's access or refresh token
 * is refused here, and a platform token by `verifyToken` (its audience and type are not theirs).
 */
export function verifyPlatformToken(secret: string, token: string, now = new Date()): PlatformTokenClaims {
  const clock = Math.floor(now.getTime() / 1000);
  let claims: unknown;
  try {
    claims = jwt().verify(token, keyOf(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: PLATFORM_AUDIENCE, clockTimestamp: clock });
  } catch (error) {
    if ((error as Error).name === 'TokenExpiredError') throw new ExpiredTokenError('token expired');
    throw invalidPlatform();
  }
  const header = (jwt().decode(token, { complete: true }) as { header?: object } | null)?.header;
  if (!header || 'crit' in header) throw invalidPlatform();
  const c = claims as Partial<PlatformTokenClaims> & { tid?: unknown; role?: unknown };
  const valid =
    typeof c === 'object' &&
    c.typ === 'platform' &&
    c.tid === undefined &&
    c.role === undefined &&
    typeof c.sub === 'string' &&
    /^[1-9][0-9]{0,15}$/.test(c.sub) &&
    typeof c.jti === 'string' &&
    typeof c.sid === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(c.sid) &&
    Number.isSafeInteger(c.iat) &&
    Number.isSafeInteger(c.exp) &&
    (c.iat as number) <= clock + CLOCK_SKEW_SECONDS &&
    (c.exp as number) > (c.iat as number) &&
    (c.exp as number) - (c.iat as number) <= PLATFORM_TOKEN_MAX_SECONDS;
  if (!valid) throw invalidPlatform();
  return c as PlatformTokenClaims;
}

/** Reads the expiry without verifying (for display and for deciding to refresh). */
export function tokenExpiry(token: string): Date | undefined {
  const decoded = jwt().decode(token) as { exp?: number } | null;
  return decoded?.exp ? new Date(decoded.exp * 1000) : undefined;
}

/** Refresh tokens are stored only as this hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
