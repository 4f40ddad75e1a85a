import { randomInt } from 'node:crypto';
import { hashedForm } from '../validation/password-policy';

/** OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

type Argon2 = typeof import('argon2');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const argon2 = (): Argon2 => require('argon2') as Argon2;

export async function hashPassword(password: string): Promise<string> {
  const lib = argon2();
  return lib.hash(hashedForm(password), { type: lib.argon2id, ...ARGON2_OPTIONS });
}

/**
 * Hashes made before passwords were normalised hold whatever was typed: when the NFC form does not
 * match and the typed text differs from it, the typed text is tried as well, so every password that
 * worked before still works. The unknown-email path goes through here too, so it does the same
 * work for the same input.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const normalised = hashedForm(password);
  if (await verifyOne(hash, normalised)) return true;
  return normalised !== password && verifyOne(hash, password);
}

async function verifyOne(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2().verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * What an unknown email is verified against, so that it costs what a known one does. A constant
 * with the parameters of ARGON2_OPTIONS (of a random password nobody kept): computing one per
 * process made unknown emails a whole hash slower than known ones.
 */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,p=1,t=2$1i039f6PU75R9Zx6PrKxjw$EVmx6eCF0ltr5Z3FT7AF8VP6v1d3belpitVzquOZ8Sc';

/** A one-time password for accounts created or reset by management: 20 unambiguous characters. */
export function generateOneTimePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  return Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
