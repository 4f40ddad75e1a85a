import { CliError, exitCodeFor } from '../../src/errors/cli-error';
import {
  MAX_SLUG_ATTEMPTS,
  RESERVED_SLUGS,
  SLUG_MAX_LENGTH,
  SlugTakenError,
  candidateSlugs,
  insertWithUniqueSlug,
  slugFor,
  withSuffix,
} from '../../src/domain/tenant-slug';

const SLUG_SHAPE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const GENERATED = /^tenant-[0-9a-f]{8}$/;
const fixedHex = () => '1a2b3c4d';

describe('slugFor', () => {
  it.each([
    // SPEC §9's examples.
    ['Acme Corporation', 'acme-corporation', 'lower case, the space becomes a dash'],
    ['SAS DUPONT & Fils', 'sas-dupont-fils', '`&` is removed, and the spaces around it are one run: one dash'],
    ["L'Épicerie du Coin", 'lepicerie-du-coin', 'the apostrophe is removed (not a separator); É is E plus an accent after NFKD'],
    ['ＡＣＭＥ', 'acme', 'full-width letters are compatibility forms of A–Z: NFKD maps them'],
    // Accents and compatibility forms.
    ['Crème Brûlée Événements', 'creme-brulee-evenements', 'every accent is a combining mark after NFKD, and marks are removed'],
    ['Cafe\u0301 Zalgo\u0335\u0322\u0301', 'cafe-zalgo', 'combining marks typed as such are removed like the ones NFKD splits off'],
    ['ﬁnance ﬂow', 'finance-flow', 'the ligatures ﬁ and ﬂ are compatibility characters: NFKD writes them as two letters'],
    ['𝐀𝐜𝐦𝐞 Ⓑⓘⓖ', 'acme-big', 'mathematical bold and circled letters are compatibility forms too'],
    ['ＡＣＭＥ\u3000Ｃｏｒｐ', 'acme-corp', 'the ideographic space is a space'],
    ['Room 42²', 'room-422', 'a superscript digit is a digit after NFKD'],
    // Latin letters NFKD leaves whole: spelled out rather than dropped.
    ['Straße & Söhne', 'strasse-sohne', 'ß has no decomposition; it is spelled ss, as German does when it cannot be written'],
    ['Iğdır Işık', 'igdir-isik', 'the Turkish dotless ı has no decomposition: it becomes i; ğ and ş lose their marks'],
    ['İstanbul', 'istanbul', 'the dotted capital İ is I plus a dot after NFKD: the dot is removed'],
    ['Ærø Øl', 'aero-ol', 'æ is spelled ae and ø is o: neither decomposes'],
    ['Łódź', 'lodz', 'ł has no decomposition: it is l; ó and ź lose their marks'],
    // Separators and other characters.
    ['  --Acme--  ', 'acme', 'leading and trailing separators leave no dash'],
    ['Acme . Events_Group/Paris', 'acme-events-group-paris', 'dots, underscores and slashes separate words like spaces'],
    ['AT&T', 'att', '`&` inside a word is removed, not a separator'],
    ['O’Brien Events', 'obrien-events', 'the typographic apostrophe is removed like the plain one'],
    ['🎉 Party Time 🎉', 'party-time', 'emoji are removed; the spaces around them become at most one dash'],
    ['3M France', '3m-france', 'digits stay when there is a letter'],
    // Mixed scripts: only the Latin letters stay.
    ['Acme Компания', 'acme', 'Cyrillic letters are not Latin: removed, whatever they look like'],
  ])('should give %j → %s (%s)', (name, slug) => {
    expect(slugFor(name, fixedHex)).toBe(slug);
  });

  it.each([
    ['株式会社テスト', 'a Japanese name has no Latin letter'],
    ['Асме', 'Cyrillic letters that look like Latin ones (А, с, е) are not Latin: nothing is left'],
    ['🎉🎉🎉', 'emoji only'],
    ['- _ . / -', 'separators only'],
    ['', 'an empty name'],
    ['1234', "digits only: a slug of digits alone would read as a tenant's id where a slug or an id is accepted"],
    ['2024 - 2025', 'digits and separators only'],
  ])('should give tenant- and 8 random hex characters for %j (%s)', (name) => {
    expect(slugFor(name, fixedHex)).toBe('tenant-1a2b3c4d');
    expect(slugFor(name)).toMatch(GENERATED);
  });

  it('should draw the 8 hex characters at random', () => {
    const slugs = new Set(Array.from({ length: 20 }, () => slugFor('株式会社テスト')));
    expect(slugs.size).toBeGreaterThan(1);
    for (const slug of slugs) expect(slug).toMatch(GENERATED);
  });

  it('should cut a long name at 40 characters, never ending with a dash', () => {
    expect(slugFor('a'.repeat(60))).toBe('a'.repeat(40));
    // "word-" × 8 is exactly 40 characters and would end with a dash: the dash goes, 39 remain.
    expect(slugFor('Word '.repeat(12))).toBe('word-word-word-word-word-word-word-word');
    expect(slugFor('The International Association of Wedding and Event Planners of Southern Europe')).toBe('the-international-association-of-wedding');
    // However long the name, the slug is its first 40 characters.
    expect(slugFor('Acme '.repeat(100_000))).toBe('acme-acme-acme-acme-acme-acme-acme-acme');
  });

  it('should return a reserved word as it is: choosing the slug to insert skips it', () => {
    expect(slugFor('Admin')).toBe('admin');
    expect(slugFor('W.W.W')).toBe('w-w-w');
    expect(slugFor('www')).toBe('www');
  });

  it('should always give lower-case Latin letters, digits and single inner dashes, at most 40', () => {
    // A deterministic spread of awkward characters: every script and symbol class the names may hold.
    const alphabet = [...'aZé ß-_.&\'’ıİﬁＡ𝐀🎉株Кд\u0301\u3000\t\n/|+²ǅ'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 500; i += 1) {
      const name = Array.from({ length: next() % 70 }, () => alphabet[next() % alphabet.length]).join('');
      const slug = slugFor(name, fixedHex);
      expect({ name, slug, fits: slug.length <= SLUG_MAX_LENGTH && SLUG_SHAPE.test(slug) }).toEqual({ name, slug, fits: true });
    }
  });
});

describe('withSuffix', () => {
  it('should add -2, -3, … to a short slug', () => {
    expect(withSuffix('acme-corp', 2)).toBe('acme-corp-2');
    expect(withSuffix('acme-corp', 3)).toBe('acme-corp-3');
    expect(withSuffix('acme-corp', 100)).toBe('acme-corp-100');
  });

  it('should cut the slug so that the whole fits in 40 characters', () => {
    expect(withSuffix('a'.repeat(40), 2)).toBe(`${'a'.repeat(38)}-2`);
    expect(withSuffix('a'.repeat(40), 10)).toBe(`${'a'.repeat(37)}-10`);
    expect(withSuffix('a'.repeat(40), 10)).toHaveLength(40);
  });

  it('should not leave a dash before the suffix where the cut falls after one', () => {
    // 40 characters whose 38th is a dash: cut to 38 for `-2`, it would end with one.
    const slug = 'abcdefghij-abcdefghij-abcdefghij-abcd-xy';
    expect([slug.length, slug[37]]).toEqual([40, '-']);
    expect(withSuffix(slug, 2)).toBe('abcdefghij-abcdefghij-abcdefghij-abcd-2');
    expect(withSuffix(slug, 2)).toMatch(SLUG_SHAPE);
  });

  it('should refuse a suffix below 2: the first slug has none', () => {
    expect(() => withSuffix('acme', 1)).toThrow(RangeError);
    expect(() => withSuffix('acme', 2.5)).toThrow(RangeError);
  });
});

describe('candidateSlugs', () => {
  const first = (base: string, count: number) => {
    const slugs: string[] = [];
    for (const slug of candidateSlugs(base)) {
      slugs.push(slug);
      if (slugs.length === count) break;
    }
    return slugs;
  };

  it('should try the slug, then -2, -3, … in order', () => {
    expect(first('acme-corp', 4)).toEqual(['acme-corp', 'acme-corp-2', 'acme-corp-3', 'acme-corp-4']);
  });

  it('should never give a reserved slug: a name whose slug is reserved starts at -2', () => {
    expect(first('admin', 2)).toEqual(['admin-2', 'admin-3']);
    for (const reserved of RESERVED_SLUGS) expect(first(reserved, 1)).toEqual([`${reserved}-2`]);
  });

  it('should list the reserved slugs SPEC §9 names and the others an operator needs', () => {
    for (const slug of ['admin', 'api', 'default', 'platform', 'www', 'app', 'auth', 'login', 'signup', 'static', 'status', 'support', 'help', 'docs', 'mail', 'root', 'system']) {
      expect([slug, RESERVED_SLUGS.has(slug)]).toEqual([slug, true]);
    }
    for (const slug of RESERVED_SLUGS) expect(slug).toMatch(SLUG_SHAPE);
  });
});

describe('insertWithUniqueSlug', () => {
  /** The unique index on the slug, in memory: the insert is refused when the slug is taken. */
  function fakeTenants(taken: string[] = []) {
    const slugs = new Set(taken);
    const tried: string[] = [];
    const insert = async (slug: string) => {
      tried.push(slug);
      await new Promise((resolve) => setImmediate(resolve)); // another creation may run meanwhile
      if (slugs.has(slug)) throw new SlugTakenError(slug);
      slugs.add(slug);
      return { slug };
    };
    return { insert, tried, slugs };
  }

  it('should insert under the slug of the name when it is free, with no look-up before', async () => {
    const tenants = fakeTenants();
    expect(await insertWithUniqueSlug('Acme Corp', tenants.insert)).toEqual({ slug: 'acme-corp' });
    expect(tenants.tried).toEqual(['acme-corp']);
  });

  it('should take the next suffix when the index refuses the slug: a second Acme Corp is acme-corp-2', async () => {
    const tenants = fakeTenants(['acme-corp']);
    expect(await insertWithUniqueSlug('Acme Corp', tenants.insert)).toEqual({ slug: 'acme-corp-2' });
    expect(await insertWithUniqueSlug('ACME corp.', tenants.insert)).toEqual({ slug: 'acme-corp-3' });
    expect(tenants.tried).toEqual(['acme-corp', 'acme-corp-2', 'acme-corp', 'acme-corp-2', 'acme-corp-3']);
  });

  it('should suffix a name whose slug is a reserved word, without trying the word', async () => {
    const tenants = fakeTenants();
    expect(await insertWithUniqueSlug('Support', tenants.insert)).toEqual({ slug: 'support-2' });
    expect(tenants.tried).toEqual(['support-2']);
  });

  it('should keep the suffix inside 40 characters for a long taken name', async () => {
    const name = 'The International Association of Wedding and Event Planners';
    const tenants = fakeTenants(['the-international-association-of-wedding']);
    expect(await insertWithUniqueSlug(name, tenants.insert)).toEqual({ slug: 'the-international-association-of-weddi-2' });
  });

  it('should give two creations of the same name at once two slugs', async () => {
    const tenants = fakeTenants();
    const both = await Promise.all([insertWithUniqueSlug('Acme Corp', tenants.insert), insertWithUniqueSlug('Acme Corp', tenants.insert)]);
    expect(both.map((t) => t.slug).sort()).toEqual(['acme-corp', 'acme-corp-2']);
    // Both tried the name first: the index, not a look-up, decided which one got it.
    expect(tenants.tried.slice(0, 2)).toEqual(['acme-corp', 'acme-corp']);
  });

  it('should give ten parallel creations of the same name ten slugs', async () => {
    const tenants = fakeTenants();
    const all = await Promise.all(Array.from({ length: 10 }, () => insertWithUniqueSlug('Acme', tenants.insert)));
    expect(all.map((t) => t.slug).sort()).toEqual(['acme', ...Array.from({ length: 9 }, (_, i) => `acme-${i + 2}`)].sort());
  });

  it('should give up with exit 6 after a bounded number of taken slugs, naming them', async () => {
    const tenants = fakeTenants(['acme', ...Array.from({ length: 50 }, (_, i) => `acme-${i + 2}`)]);
    const failure = insertWithUniqueSlug('Acme', tenants.insert);
    await expect(failure).rejects.toThrow(CliError);
    const error = (await failure.catch((e: unknown) => e)) as CliError;
    expect(exitCodeFor(error.code)).toBe(6);
    expect(error.message).toBe(`no free slug for this company name: acme to acme-${MAX_SLUG_ATTEMPTS} are taken`);
    expect(error.hint).toBe('choose another company name');
    expect(tenants.tried).toHaveLength(MAX_SLUG_ATTEMPTS);
  });

  it('should honour a smaller bound', async () => {
    const tenants = fakeTenants(['acme', 'acme-2', 'acme-3']);
    await expect(insertWithUniqueSlug('Acme', tenants.insert, { maxAttempts: 3 })).rejects.toThrow('no free slug for this company name: acme to acme-3 are taken');
  });

  it('should pass on any other failure of the insert at once, without trying another slug', async () => {
    const tried: string[] = [];
    const failing = async (slug: string) => {
      tried.push(slug);
      throw new Error('duplicate key value violates unique constraint "employees_email_lower_key"');
    };
    await expect(insertWithUniqueSlug('Acme', failing)).rejects.toThrow('employees_email_lower_key');
    expect(tried).toEqual(['acme']);
  });

  it('should suffix a generated slug too when it is taken', async () => {
    const tenants = fakeTenants(['tenant-1a2b3c4d']);
    expect(await insertWithUniqueSlug('株式会社テスト', tenants.insert, { random: fixedHex })).toEqual({ slug: 'tenant-1a2b3c4d-2' });
  });
});
