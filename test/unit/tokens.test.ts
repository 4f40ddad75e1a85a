import jwt from 'jsonwebtoken';
import { CliError } from '../../src/errors/cli-error';
import { AUDIENCE, CLOCK_SKEW_SECONDS, ISSUER, PLATFORM_AUDIENCE, signPlatformToken, signToken, verifyPlatformToken, verifyToken } from '../../src/auth/tokens';

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

describe('platform operator tokens', () => {
  const platformToken = () => signPlatformToken(SECRET, 4, SID, 3600, now).token;
  const platformRefusal = (token: string): CliError | undefined => {
    try {
      verifyPlatformToken(SECRET, token, now);
      return undefined;
    } catch (error) {
      return error as CliError;
    }
  };

  it('should accept what signPlatformToken issues, with no tenant and no role', () => {
    const claims = verifyPlatformToken(SECRET, platformToken(), now);
    expect(claims).toMatchObject({ sub: '4', typ: 'platform', sid: SID, aud: PLATFORM_AUDIENCE });
    expect(claims).not.toHaveProperty('tid');
  });

  it('should refuse a platform token where an employee token is expected (access and refresh)', () => {
    for (const type of ['access', 'refresh'] as const) {
      expect(() => verifyToken(SECRET, platformToken(), type, now)).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    }
  });

  it("should refuse an employee's access or refresh token where a platform token is expected", () => {
    for (const type of ['access', 'refresh'] as const) {
      const employee = signToken(SECRET, type, { id: 4, role: 'MANAGEMENT', tenantId: 1, tenantSlug: 'default' }, SID, 900, now).token;
      expect(platformRefusal(employee)?.code).toBe('unauthenticated');
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ["the employees' audience", { aud: AUDIENCE }],
    ["an employee's type", { typ: 'access' }],
    ['a tenant claim', { tid: 1 }],
    ['a role claim', { role: 'MANAGEMENT' }],
    ['a lifetime beyond 12 hours', { exp: t + 13 * 3600 }],
  ])('should refuse a validly signed platform token with %s', (_name, payload) => {
    const token = jwt.sign({ sub: '4', typ: 'platform', jti: 'j', sid: SID, iat: t, exp: t + 3600, iss: ISSUER, aud: PLATFORM_AUDIENCE, ...payload }, SECRET, { algorithm: 'HS256' });
    expect(platformRefusal(token)?.code).toBe('unauthenticated');
  });
});
