import { randomUUID, createHash } from 'node:crypto';
import { type Role, ROLES } from '../entities/employee.entity';
import { unauthenticated } from '../errors/cli-error';

export const ISSUER = 'epicevents';
export const AUDIENCE = 'epicevents-cli';

export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  sub: string;
  role: Role;
  typ: TokenType;
  jti: string;
  /** The login (refresh-token family) the token belongs to. */
  sid: string;
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

export function signToken(secret: string, type: TokenType, subject: { id: number; role: Role }, familyId: string, ttlSeconds: number, now = new Date()): IssuedToken {
  const jti = randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const token = jwt().sign({ role: subject.role, typ: type, sid: familyId, iat }, secret, {
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

/**
 * Verifies signature (HS256 only: `none` and every other algorithm are refused), expiry, issuer,
 * audience, and that the token is of the expected type with every claim present.
 */
export function verifyToken(secret: string, token: string, expected: TokenType, now = new Date()): TokenClaims {
  let claims: unknown;
  try {
    claims = jwt().verify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTimestamp: Math.floor(now.getTime() / 1000),
    });
  } catch (error) {
    if ((error as Error).name === 'TokenExpiredError') throw new ExpiredTokenError('token expired');
    throw unauthenticated('the session token is not valid', 'log in again with `epicevents login`');
  }
  const c = claims as Partial<TokenClaims>;
  const valid =
    typeof c === 'object' &&
    c.typ === expected &&
    typeof c.sub === 'string' &&
    /^[1-9][0-9]{0,9}$/.test(c.sub) &&
    typeof c.jti === 'string' &&
    typeof c.sid === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(c.sid) &&
    typeof c.iat === 'number' &&
    typeof c.exp === 'number' &&
    ROLES.includes(c.role as Role);
  if (!valid) throw unauthenticated(`the session token is not a valid ${expected} token`, 'log in again with `epicevents login`');
  return c as TokenClaims;
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
