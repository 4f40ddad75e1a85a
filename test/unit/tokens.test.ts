import jwt from 'jsonwebtoken';
import { CliError } from '../../src/errors/cli-error';
import { AUDIENCE, CLOCK_SKEW_SECONDS, ISSUER, signToken, verifyToken } from '../../src/auth/tokens';

const SECRET = 'unit-test-secret-that-is-at-least-32-bytes';
const SID = '0b6f3f8e-6c1a-4a53-9f1e-2a7d4c5b6a79';
const now = new Date('2026-06-04T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);

function sign(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const claims = { sub: '7', role: 'SALES', typ: 'access', jti: 'a-jti', sid: SID, tid: 3, tenant: 'acme', iat: t, exp: t + 900, iss: ISSUER, aud: AUDIENCE, ...payload };
  return jwt.sign(claims, SECRET, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT', ...header } });
}

function refusal(token: string): CliError | undefined {
  try {
    verifyToken(SECRET, token, 'access', now);
    return undefined;
  } catch (error) {
    return error as CliError;
  }
}

describe('verifyToken', () => {
  it('should accept what signToken issues', () => {
    const issued = signToken(SECRET, 'access', { id: 7, role: 'SALES', tenantId: 3, tenantSlug: 'acme' }, SID, 900, now);
    expect(verifyToken(SECRET, issued.token, 'access', now)).toMatchObject({ sub: '7', tid: 3, tenant: 'acme' });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a subject beyond the id column', { sub: '9999999999' }, {}],
    ['an expiry no date can hold', { exp: 1e15 }, {}],
    ['a fractional expiry', { exp: t + 900.5 }, {}],
    ['a lifetime longer than the longest setting', { exp: t + 366 * 86400 }, {}],
    ['an expiry before the issue time', { iat: t + 10, exp: t + 5 }, {}],
    ['an issue time beyond the clock skew', { iat: t + CLOCK_SKEW_SECONDS + 1, exp: t + CLOCK_SKEW_SECONDS + 901 }, {}],
    ['no tenant (a token from before tenants)', { tid: undefined }, {}],
    ['a tenant id that is no id', { tid: '3' }, {}],
    ['a tenant id of zero', { tid: 0 }, {}],
    ['no tenant slug (a token from before X-Tenant-ID)', { tenant: undefined }, {}],
    ['a tenant slug of another shape', { tenant: 'Acme Events' }, {}],
    ['a critical header extension', {}, { crit: ['x-epic'], 'x-epic': 1 }],
    ['an empty crit list', {}, { crit: [] }],
  ])('should refuse a validly signed token with %s as unauthenticated (exit 3)', (_name, payload, header) => {
    const error = refusal(sign(payload, header));
    expect(error).toBeInstanceOf(CliError);
    expect(error?.code).toBe('unauthenticated');
  });

  it('should accept an issue time within the clock skew', () => {
    expect(refusal(sign({ iat: t + CLOCK_SKEW_SECONDS, exp: t + CLOCK_SKEW_SECONDS + 900 }))).toBeUndefined();
  });
});
