import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from '../../src/errors/cli-error';
import { configHome, dataHome, ensurePrivateDir, inOwnFolder, readConfig } from '../../src/config/config';
import { parseDuration } from '../../src/config/duration';
import { jwtSecret } from '../../src/auth/jwt-secret';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['12h', 43200],
    ['7d', 604800],
    ['900', 900],
    [' 30m ', 1800],
  ])('should read %p as %p seconds when it uses a known unit or none', (input, seconds) => {
    expect(parseDuration(input, 'EPICEVENTS_ACCESS_TTL', '7d')).toBe(seconds);
  });

  it.each([
    ['999999999d', '1h', /EPICEVENTS_ACCESS_TTL must be at most 1h \(got "999999999d"\)/],
    ['999999999h', '24h', /must be at most 24h/],
    ['25h', '24h', /must be at most 24h/],
    ['366d', '365d', /must be at most 365d/],
  ])('should refuse %p when it exceeds the bound of the setting (%p)', (input, max, message) => {
    expect(() => parseDuration(input, 'EPICEVENTS_ACCESS_TTL', max)).toThrow(message);
  });

  it('should accept a duration equal to the bound', () => {
    expect(parseDuration('24h', 'EPICEVENTS_ACCESS_TTL', '24h')).toBe(86400);
  });

  it.each(['0', '0m', '-5m', '1.5h', '15 min', '15M', '2w', '', 'soon'])('should refuse %p naming the setting when it is not a positive duration', (input) => {
    expect(() => parseDuration(input, 'EPICEVENTS_ACCESS_TTL', '7d')).toThrow(/EPICEVENTS_ACCESS_TTL must be a positive duration/);
  });
});

describe('configHome', () => {
  it('should use EPICEVENTS_HOME when it is set', () => {
    expect(configHome({ EPICEVENTS_HOME: '/srv/epic', XDG_CONFIG_HOME: '/xdg' })).toBe('/srv/epic');
  });

  it('should resolve a relative EPICEVENTS_HOME against the working directory when it is relative', () => {
    expect(configHome({ EPICEVENTS_HOME: 'epic-home' })).toBe(path.resolve('epic-home'));
  });

  it('should use XDG_CONFIG_HOME/epicevents when EPICEVENTS_HOME is not set', () => {
    expect(configHome({ XDG_CONFIG_HOME: '/xdg' })).toBe(path.join('/xdg', 'epicevents'));
  });

  it('should use ~/.config/epicevents when neither variable is set', () => {
    expect(configHome({})).toBe(path.join(os.homedir(), '.config', 'epicevents'));
  });
});

describe('dataHome', () => {
  it('should use EPICEVENTS_DATA_DIR when it is set', () => {
    expect(dataHome({ EPICEVENTS_DATA_DIR: '/srv/epic-data', EPICEVENTS_HOME: '/srv/epic', XDG_DATA_HOME: '/xdg-data' })).toBe('/srv/epic-data');
  });

  it('should not move the embedded database with EPICEVENTS_HOME, which is the session\'s folder only', () => {
    expect(dataHome({ EPICEVENTS_HOME: '/srv/epic', XDG_DATA_HOME: '/xdg-data' })).toBe(path.join('/xdg-data', 'epicevents', 'data'));
  });

  it('should use XDG_DATA_HOME/epicevents/data when EPICEVENTS_DATA_DIR is not set', () => {
    expect(dataHome({ XDG_DATA_HOME: '/xdg-data' })).toBe(path.join('/xdg-data', 'epicevents', 'data'));
  });

  it('should use ~/.local/share/epicevents/data when neither variable is set', () => {
    expect(dataHome({})).toBe(path.join(os.homedir(), '.local', 'share', 'epicevents', 'data'));
  });
});

describe('readConfig', () => {
  it('should apply the documented defaults when nothing is set', () => {
    const config = readConfig({ EPICEVENTS_HOME: '/srv/epic', XDG_DATA_HOME: '/xdg-data' });
    expect(config).toEqual({
      databaseUrl: undefined,
      homeDir: '/srv/epic',
      dataDir: path.join('/xdg-data', 'epicevents', 'data'),
      accessTtlSeconds: 15 * 60,
      refreshTtlSeconds: 7 * 24 * 3600,
      keychain: 'auto',
      envToken: undefined,
      sentryDsn: undefined,
      debug: false,
      dbPoolSize: 10,
      transactionPooler: false,
      tenant: 'default',
      keepOpen: { seconds: 300, atTerminalOnly: true },
    });
  });

  it('should read every setting when each is given', () => {
    const config = readConfig({
      DATABASE_URL: 'postgresql://app@db.internal:5433/epic',
      EPICEVENTS_HOME: '/srv/epic',
      EPICEVENTS_DATA_DIR: '/srv/epic-data',
      EPICEVENTS_ACCESS_TTL: '90s',
      EPICEVENTS_REFRESH_TTL: '12h',
      EPICEVENTS_KEYCHAIN: 'OFF',
      EPICEVENTS_TOKEN: ' token ',
      SENTRY_DSN: 'http://key@127.0.0.1:9/1',
      EPICEVENTS_DEBUG: '1',
      EPICEVENTS_DB_POOL: ' 32 ',
      EPICEVENTS_DB_POOLER: ' transaction ',
      EPICEVENTS_TENANT: ' acme-events ',
      EPICEVENTS_KEEP_OPEN: ' 30m ',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://app@db.internal:5433/epic',
      dataDir: '/srv/epic-data',
      accessTtlSeconds: 90,
      refreshTtlSeconds: 43200,
      keychain: 'off',
      envToken: 'token',
      sentryDsn: 'http://key@127.0.0.1:9/1',
      debug: true,
      dbPoolSize: 32,
      transactionPooler: true,
      tenant: 'acme-events',
      keepOpen: { seconds: 1800, atTerminalOnly: false },
    });
  });

  it('should keep the embedded database open for no command with EPICEVENTS_KEEP_OPEN=0', () => {
    expect(readConfig({ EPICEVENTS_KEEP_OPEN: '0' }).keepOpen).toEqual({ seconds: 0, atTerminalOnly: false });
  });

  it('should treat a blank DATABASE_URL as unset when it holds only spaces', () => {
    expect(readConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: 'mysql://root@localhost/epic' }, /DATABASE_URL must start with postgres/],
    [{ EPICEVENTS_ACCESS_TTL: '15 minutes' }, /EPICEVENTS_ACCESS_TTL/],
    [{ EPICEVENTS_DB_POOLER: 'session' }, /EPICEVENTS_DB_POOLER must be "transaction" or unset \(got "session"\)/],
    [{ EPICEVENTS_REFRESH_TTL: '0' }, /EPICEVENTS_REFRESH_TTL/],
    [{ EPICEVENTS_TENANT: 'Acme Events' }, /EPICEVENTS_TENANT must be a tenant's slug/],
    [{ EPICEVENTS_KEYCHAIN: 'maybe' }, /EPICEVENTS_KEYCHAIN/],
    [{ EPICEVENTS_DB_POOL: '0' }, /EPICEVENTS_DB_POOL must be a whole number of connections from 1 to 1000 \(got "0"\)/],
    [{ EPICEVENTS_DB_POOL: '2.5' }, /EPICEVENTS_DB_POOL/],
    [{ EPICEVENTS_DB_POOL: '1001' }, /EPICEVENTS_DB_POOL/],
    [{ EPICEVENTS_KEEP_OPEN: 'forever' }, /EPICEVENTS_KEEP_OPEN must be 0 or a duration up to 24h, like 90s, 30m or 2h \(got "forever"\)/],
    [{ EPICEVENTS_KEEP_OPEN: '25h' }, /EPICEVENTS_KEEP_OPEN must be 0 or a duration up to 24h/],
  ])('should refuse %p with an "unavailable" error when the setting is malformed', (env, message) => {
    let caught: unknown;
    try {
      readConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).code).toBe('unavailable');
    expect((caught as CliError).message).toMatch(message);
  });
});

describe('loadDotEnv', () => {
  const savedCwd = process.cwd();
  const keys = ['EPICEVENTS_TEST_FROM_FILE', 'EPICEVENTS_TEST_QUOTED', 'EPICEVENTS_TEST_EXPORTED', 'EPICEVENTS_TEST_REAL'];
  afterEach(() => {
    process.chdir(savedCwd);
    for (const key of keys) delete process.env[key];
  });

  it('should read .env from the working directory without overriding the real environment when both set a value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-dotenv-'));
    fs.writeFileSync(
      path.join(dir, '.env'),
      [
        '# a comment',
        'EPICEVENTS_TEST_FROM_FILE=from-file',
        'EPICEVENTS_TEST_QUOTED="quoted value"',
        'export EPICEVENTS_TEST_EXPORTED=exported',
        'EPICEVENTS_TEST_REAL=from-file',
        '# EPICEVENTS_TEST_COMMENTED=no',
      ].join('\n'),
    );
    process.env.EPICEVENTS_TEST_REAL = 'from-environment';
    process.chdir(dir);
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../../src/config/config') as typeof import('../../src/config/config')).loadDotEnv();
    });
    expect(process.env.EPICEVENTS_TEST_FROM_FILE).toBe('from-file');
    expect(process.env.EPICEVENTS_TEST_QUOTED).toBe('quoted value');
    expect(process.env.EPICEVENTS_TEST_EXPORTED).toBe('exported');
    expect(process.env.EPICEVENTS_TEST_REAL).toBe('from-environment');
    expect(process.env.EPICEVENTS_TEST_COMMENTED).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('ensurePrivateDir', () => {
  it('should create the folders it needs with mode 0700, and leave the mode of one that exists', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-dir-'));
    ensurePrivateDir(path.join(base, 'a', 'b'));
    expect(fs.statSync(path.join(base, 'a')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(base, 'a', 'b')).mode & 0o777).toBe(0o700);
    fs.chmodSync(path.join(base, 'a', 'b'), 0o755);
    ensurePrivateDir(path.join(base, 'a', 'b'));
    expect(fs.statSync(path.join(base, 'a', 'b')).mode & 0o777).toBe(0o755);
  });

  it.each([
    ['0777', 0o777],
    ['1777', 0o1777],
    ['0720', 0o720],
  ])('should refuse a folder that other users can write (mode %s) with exit 7 naming it and `chmod 700`, and leave its mode', (_name, mode) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-dir-'));
    fs.chmodSync(dir, mode);
    const attempt = () => ensurePrivateDir(dir);
    expect(attempt).toThrow(expect.objectContaining({ code: 'unavailable', message: `${dir} can be written by other users, so epicevents does not keep credentials or data in it` }));
    expect(attempt).toThrow(expect.objectContaining({ hint: expect.stringContaining(`chmod 700 ${dir}`) }));
    expect(fs.statSync(dir).mode & 0o7777).toBe(mode);
  });

  it('should fail with exit 7 naming the path, not an unexpected error, when the folder cannot be created', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-dir-')), 'a-file');
    fs.writeFileSync(file, '');
    const attempt = () => ensurePrivateDir(path.join(file, 'home'));
    expect(attempt).toThrow(CliError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'unavailable', message: `cannot use ${path.join(file, 'home')}: a part of the path is a file, not a folder` }));
  });
});

describe('inOwnFolder', () => {
  it.each(['EACCES', 'EPERM', 'EROFS', 'ENOSPC'])('should turn %s on a path into an "unavailable" error naming the path', (code) => {
    const failing = () =>
      inOwnFolder(() => {
        throw Object.assign(new Error(`${code}: boom`), { code, path: '/home/ada/.config/epicevents/credentials.json' });
      });
    expect(failing).toThrow(expect.objectContaining({ code: 'unavailable', message: expect.stringContaining('/home/ada/.config/epicevents/credentials.json') }));
  });

  it('should pass any other error through unchanged', () => {
    const bug = new TypeError('not a file-system problem');
    expect(() =>
      inOwnFolder(() => {
        throw bug;
      }),
    ).toThrow(bug);
  });
});

describe('jwtSecret on the embedded database', () => {
  const homeDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-secret-'));

  it('should generate a key on first use, keep it 0600 and give the same one afterwards', () => {
    const config = readConfig({ EPICEVENTS_HOME: homeDir() });
    const secret = jwtSecret(config, {});
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(config.homeDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(jwtSecret(config, {})).toBe(secret);
  });

  it('should refuse a key file that other users can read (exit 7), naming the fix', () => {
    const config = readConfig({ EPICEVENTS_HOME: homeDir() });
    jwtSecret(config, {});
    const file = path.join(config.homeDir, 'jwt-secret');
    fs.chmodSync(file, 0o644);
    let caught: unknown;
    try {
      jwtSecret(config, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).code).toBe('unavailable');
    expect((caught as CliError).message).toMatch(/readable by other users/);
    expect((caught as CliError).hint).toMatch(/chmod 600/);
  });
});
