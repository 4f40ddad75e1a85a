import { CliError } from '../errors/cli-error';

/**
 * The password rules, with no hashing: the prompts of `init` and `password change` check them as
 * the password is typed, and the services check them again before anything is hashed.
 */
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

// Characters that show nothing (zero-width spaces and joiners, soft hyphens, bidi marks, controls):
// they cannot make a password stronger, only look longer.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * What the policy judges: the NFKC form (full-width and other compatibility variants become the
 * plain letters they look like) without invisible characters.
 */
function policyForm(password: string): string {
  return password.normalize('NFKC').replace(INVISIBLE, '');
}

/** True when the text is a shorter sequence repeated (`abcdabcdabcd`, `Xy7!Xy7!Xy7!Xy`). */
function repeatsShortSequence(chars: string[]): boolean {
  for (let period = 1; period <= chars.length / 2; period += 1) {
    if (chars.every((char, i) => i < period || char === chars[i - period])) return true;
  }
  return false;
}

/** Returns which password rule fails, or undefined when the password is acceptable. */
export function passwordPolicyError(password: string): string | undefined {
  const judged = policyForm(password);
  const chars = Array.from(judged.toLowerCase());
  if (chars.length < MIN_PASSWORD_LENGTH) {
    const invisible = Array.from(password).length >= MIN_PASSWORD_LENGTH ? ' (invisible characters do not count)' : '';
    return `the password must be at least ${MIN_PASSWORD_LENGTH} characters long${invisible}`;
  }
  if (hashedForm(password).length > MAX_PASSWORD_LENGTH) return `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  if (COMMON_PASSWORDS.has(judged.toLowerCase())) return 'the password is too common; choose one that is not on breach lists';
  if (new Set(chars).size < 4) return 'the password repeats too few characters; choose a less predictable one';
  if (repeatsShortSequence(chars)) return 'the password repeats a short sequence; choose a less predictable one';
  return undefined;
}

/**
 * What is hashed: the NFC form, so a password typed with composed or decomposed accents (`é` as one
 * character or as `e` and a combining accent, depending on the keyboard or the paste) is the same.
 */
export function hashedForm(password: string): string {
  return password.normalize('NFC');
}

/** A password refused by a rule (or for being the current one): exit 2, the request's member at fault named for the API. */
export const passwordRuleError = (rule: string, field: 'password' | 'newPassword') => new CliError('validation', rule, undefined, field);

/** Whether two typed passwords are the same once normalised (as they would be hashed). */
export function samePassword(a: string, b: string): boolean {
  return hashedForm(a) === hashedForm(b);
}
