import { randomBytes, randomInt } from 'node:crypto';

/** OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;

// The most common passwords of 12+ characters in public breach lists, lower-cased.
const COMMON_PASSWORDS = new Set([
  '123456789012', '1234567890123', '12345678901234', 'qwertyuiopas', 'qwertyuiop123', '1q2w3e4r5t6y',
  'password1234', 'password12345', 'passwordpassword', 'iloveyou1234', 'administrator', 'adminadmin123',
  'welcome12345', 'letmein12345', 'changeme1234', 'abc123456789', 'aaaaaaaaaaaa', '111111111111',
  '000000000000', 'qwerty123456', 'qwertyqwerty', 'football1234', 'baseball1234', 'superman1234',
  'princess1234', 'sunshine1234', 'monkey123456', 'dragon123456', 'trustno1trustno1', 'correcthorsebatterystaple',
  'epicevents123', 'epicevents2026', 'motdepasse123', 'azertyuiop123', 'azertyazerty', 'passw0rd1234',
  'p@ssw0rd1234', 'p@ssword1234', 'welcome@1234', 'password@123', 'password!123', 'qazwsxedcrfv',
]);

/** Returns which password rule fails, or undefined when the password is acceptable. */
export function passwordPolicyError(password: string): string | undefined {
  if (Array.from(password).length < MIN_PASSWORD_LENGTH) return `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'the password is too common; choose one that is not on breach lists';
  if (new Set(password).size < 4) return 'the password repeats too few characters; choose a less predictable one';
  return undefined;
}

type Argon2 = typeof import('argon2');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argon2 = (): Argon2 => require('argon2') as Argon2;

export async function hashPassword(password: string): Promise<string> {
  const lib = argon2();
  return lib.hash(password, { type: lib.argon2id, ...ARGON2_OPTIONS });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2().verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** A hash to verify against when the email is unknown, so timing does not reveal which emails exist. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

/** A one-time password for accounts created or reset by management: 20 unambiguous characters. */
export function generateOneTimePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  return Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
