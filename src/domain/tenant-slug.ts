import { randomBytes } from 'node:crypto';
import { conflict } from '../errors/cli-error';

/** A slug is at most this long, its `-2`, `-3`, … suffix included. */
export const SLUG_MAX_LENGTH = 40;

/**
 * Slugs never given to a tenant: names of the service's own addresses, pages and mailboxes, which a
 * tenant must not be able to pass itself off as. `default` is the tenant an existing database
 * becomes when migrated; it is written by the migration, never derived from a name.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'abuse',
  'account',
  'accounts',
  'admin',
  'administrator',
  'api',
  'app',
  'assets',
  'auth',
  'billing',
  'blog',
  'cdn',
  'console',
  'dashboard',
  'default',
  'docs',
  'epicevents',
  'ftp',
  'health',
  'help',
  'hostmaster',
  'localhost',
  'login',
  'logout',
  'mail',
  'metrics',
  'noreply',
  'oauth',
  'openapi',
  'platform',
  'postmaster',
  'public',
  'register',
  'root',
  'security',
  'settings',
  'signup',
  'smtp',
  'sso',
  'static',
  'status',
  'support',
  'system',
  'tenant',
  'tenants',
  'webmaster',
  'www',
]);

/**
 * Latin letters that NFKD leaves whole (they carry no accent to strip) and that would otherwise be
 * removed, losing a letter of the name: `Straße` → `strasse`, not `strae`.
 */
const LATIN_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŋ: 'n',
};
const LATIN_LETTER = new RegExp(`[${Object.keys(LATIN_LETTERS).join('')}]`, 'g');

/** What separates words: spaces, dashes, underscores and the punctuation that joins words in a name. */
const SEPARATORS = /[\s\p{Z}\p{Pd}_.,;:/\\|+]+/gu;

export type RandomHex = () => string;
const randomHex: RandomHex = () => randomBytes(4).toString('hex');

/**
 * The slug of a company name (SPEC §9): NFKD, accents and case removed, words joined by one `-`,
 * any other character removed, at most 40 characters. A name with no Latin letter left (a Japanese
 * name, emoji, digits alone) gets `tenant-` and 8 random hex characters: a slug of digits alone
 * would read as a tenant's id where a slug or an id is accepted. May return a reserved slug:
 * `candidateSlugs` skips those.
 */
export function slugFor(name: string, random: RandomHex = randomHex): string {
  const words = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}/gu, '') // the accents NFKD split off their letters
    .replace(LATIN_LETTER, (letter) => LATIN_LETTERS[letter])
    .replace(SEPARATORS, ' ')
    .replace(/[^a-z0-9 ]/g, '')
    .trim()
    .split(/ +/)
    .join('-');
  const slug = cut(words, SLUG_MAX_LENGTH);
  return /[a-z]/.test(slug) ? slug : `tenant-${random()}`;
}

/** `slug` with the suffix `-n` (n ≥ 2), cut first so that the whole fits in 40 characters. */
export function withSuffix(slug: string, n: number): string {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`a slug suffix starts at 2 (got ${n})`);
  const suffix = `-${n}`;
  return `${cut(slug, SLUG_MAX_LENGTH - suffix.length)}${suffix}`;
}

/** The first `length` characters, without a trailing `-` the cut may leave. */
function cut(slug: string, length: number): string {
  return slug.slice(0, length).replace(/-+$/, '');
}

/** The slugs to try for `base`, in order: itself, then `-2`, `-3`, …, none of them reserved. */
export function* candidateSlugs(base: string): Generator<string> {
  if (!RESERVED_SLUGS.has(base)) yield base;
  for (let n = 2; ; n += 1) {
    const slug = withSuffix(base, n);
    if (!RESERVED_SLUGS.has(slug)) yield slug;
  }
}

/**
 * What the insert of a tenant throws when the unique index on the slug refuses it. The database
 * layer turns the unique violation of that index (and only that one) into this error, so that
 * another violation (an email, say) is not mistaken for a taken slug.
 */
export class SlugTakenError extends Error {
  constructor(readonly slug: string) {
    super(`the slug ${slug} is taken`);
    this.name = 'SlugTakenError';
  }
}

/** How many slugs one creation tries before giving up. */
export const MAX_SLUG_ATTEMPTS = 20;

/**
 * Inserts a tenant under the first free slug of its name: the unique index decides, with no
 * look-up before the insert, so two creations of the same name at once get two slugs (the later
 * insert is refused and takes the next suffix). `insert` throws `SlugTakenError` when the slug is
 * taken; each call must run in its own transaction or savepoint, since a refused insert aborts
 * the transaction it ran in. Gives up (exit 6) after `maxAttempts` taken slugs.
 */
export async function insertWithUniqueSlug<T>(
  name: string,
  insert: (slug: string) => Promise<T>,
  options: { maxAttempts?: number; random?: RandomHex } = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? MAX_SLUG_ATTEMPTS;
  const base = slugFor(name, options.random);
  const tried: string[] = [];
  for (const slug of candidateSlugs(base)) {
    try {
      return await insert(slug);
    } catch (error) {
      if (!(error instanceof SlugTakenError)) throw error;
      tried.push(slug);
      // The slugs only, not the name: it is the user's text and may hold anything.
      if (tried.length >= maxAttempts) {
        throw conflict(`no free slug for this company name: ${tried[0]} to ${slug} are taken`, 'choose another company name');
      }
    }
  }
  throw new Error('unreachable: candidateSlugs never ends');
}
