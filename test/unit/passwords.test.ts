import { ARGON2_OPTIONS, DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../src/auth/passwords';
import { passwordPolicyError } from '../../src/validation/password-policy';

/** The parameters part of an argon2 PHC string: `$argon2id$v=19$m=…,p=…,t=…$`. */
const parameters = (hash: string) => hash.split('$').slice(0, 4).join('$');

describe('the dummy hash an unknown email is verified against', () => {
  it('should be a constant with the parameters, salt and hash lengths of a real hash, so verifying it costs the same', async () => {
    const real = await hashPassword('a-real-password-of-someone');
    expect(typeof DUMMY_PASSWORD_HASH).toBe('string');
    expect(parameters(DUMMY_PASSWORD_HASH)).toBe(parameters(real));
    expect(parameters(real)).toContain(`m=${ARGON2_OPTIONS.memoryCost}`);
    expect(DUMMY_PASSWORD_HASH.split('$').map((part) => part.length)).toEqual(real.split('$').map((part) => part.length));
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, 'anything-typed-at-login')).toBe(false);
  });
});

describe('password normalisation', () => {
  const nfc = 'Crème-brûlée-à-Noël-2026';

  it('should verify the NFD form of a password set in NFC, and the reverse', async () => {
    expect(await verifyPassword(await hashPassword(nfc), nfc.normalize('NFD'))).toBe(true);
    expect(await verifyPassword(await hashPassword(nfc.normalize('NFD')), nfc)).toBe(true);
  });

  it.each([
    ['full-width letters of a common password', 'ｐａｓｓｗｏｒｄ１２３４', /too common/],
    ['four letters and eight zero-width spaces', `abcd${'\u200b'.repeat(8)}`, /at least 12 characters/],
    ['a word joiner and soft hyphens padding a short one', `abc\u2060\u00ad\u00ad\u00ad\u00ad\u00ad\u00ad\u00ad\u00ad\u00ad\u00ad`, /at least 12 characters/],
    ['a short sequence repeated', 'abcdabcdabcd', /repeats a short sequence/],
    ['a short sequence repeated with a partial tail', 'Xy7!Xy7!Xy7!Xy', /repeats a short sequence/],
  ])('should refuse %s', (_name, password, rule) => {
    expect(passwordPolicyError(password)).toMatch(rule);
  });

  it.each(['Tr0ub4dor&3-horse-battery', 'Crème-brûlée-à-Noël-2026', '東京タワーの夜景がきれい'])('should accept %p', (password) => {
    expect(passwordPolicyError(password)).toBeUndefined();
  });
});
