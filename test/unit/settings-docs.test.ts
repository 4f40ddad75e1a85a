import fs from 'node:fs';
import path from 'node:path';

/** Every setting is listed, with a comment, in .env.example and in the README's table. */
const SETTINGS = [
  'DATABASE_URL',
  'EPICEVENTS_JWT_SECRET',
  'EPICEVENTS_ACCESS_TTL',
  'EPICEVENTS_REFRESH_TTL',
  'EPICEVENTS_HOME',
  'EPICEVENTS_DATA_DIR',
  'EPICEVENTS_KEYCHAIN',
  'EPICEVENTS_TOKEN',
  'EPICEVENTS_SERVER',
  'SENTRY_DSN',
  'EPICEVENTS_DEBUG',
  'EPICEVENTS_DB_POOL',
  'EPICEVENTS_DB_POOLER',
  'EPICEVENTS_TENANT',
];

const read = (file: string) => fs.readFileSync(path.resolve(__dirname, '../..', file), 'utf8');

describe('settings documentation', () => {
  it.each(SETTINGS)('should list %s in .env.example after a comment when the file is read', (name) => {
    const lines = read('.env.example').split('\n');
    const index = lines.findIndex((line) => new RegExp(`^#? ?${name}=`).test(line));
    expect(index).toBeGreaterThan(0);
    expect(lines[index - 1]).toMatch(/^# \S/);
  });

  it.each(SETTINGS)('should describe %s in the configuration table of the README when it is read', (name) => {
    expect(read('README.md')).toMatch(new RegExp(`^\\| \`${name}\` \\| [^|]+ \\| [^|]+ \\|$`, 'm'));
  });

  it('should list nothing in .env.example that the specification does not define', () => {
    const listed = read('.env.example')
      .split('\n')
      .map((line) => /^#? ?([A-Z][A-Z0-9_]+)=/.exec(line)?.[1])
      .filter(Boolean);
    expect([...new Set(listed)].sort()).toEqual([...SETTINGS].sort());
  });
});
