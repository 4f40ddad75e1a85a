import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { hashPassword } from '../../src/auth/passwords';
import { Database } from '../../src/database/database';
import { DEFAULT_TENANT } from '../../src/domain/tenancy';
import { login as loginService, LOCKOUT_MS, refreshSession } from '../../src/auth/session.service';
import { TEST_JWT_SECRET, tempHome } from '../support/cli';
import { createEmptyTestDatabase, createTestDatabase, serverUrl, type TestDatabase } from '../support/test-database';
import { initManager, login, TEST_PASSWORD, type TestUser, userFor } from '../support/users';

// The races between processes (inits, session renewals) run the real binary (`process: true`);
// the other commands run in this process on the embedded engine, as in most files.

let db: TestDatabase;
let manager: TestUser;

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
});
afterAll(async () => db.close());

async function insertEmployee(email: string, role = 'SALES', password = TEST_PASSWORD): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO employees (first_name, last_name, email, role, password_hash) VALUES ('Test', 'User', $1, $2, $3) RETURNING id`,
    [email, role, await hashPassword(password)],
  );
  return row.id;
}

function readCredentials(user: TestUser): { accessToken: string; refreshToken: string } {
  return JSON.parse(fs.readFileSync(path.join(user.home, 'credentials.json'), 'utf8'));
}

function forge(payload: Record<string, unknown>, secret = TEST_JWT_SECRET, options: jwt.SignOptions = {}): string {
  return jwt.sign(payload, secret, { algorithm: 'HS256', ...options });
}

describe('init', () => {
  it('should refuse a second init with exit 6 once an employee exists', async () => {
    const other = userFor(db, 'eve@epic.events');
    const result = await other.run(['init', '--first-name', 'Eve', '--last-name', 'X', '--email', 'eve@epic.events', '--password-stdin'], {
      stdin: `${TEST_PASSWORD}\n`,
    });
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/already initialised/);
    expect(await db.query('SELECT id FROM employees WHERE email = $1', ['eve@epic.events'])).toHaveLength(0);
  });

  it('should exit 2 naming every missing flag when not on a terminal', async () => {
    const result = await userFor(db, 'x@epic.events').run(['init', '--email', 'x@epic.events']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--first-name, --last-name, --password-stdin/);
  });

  // On the embedded engine the five processes share one data folder and must take turns with it.
  it('should create exactly one account when 5 inits race on an empty database', async () => {
    const empty = await createEmptyTestDatabase();
    try {
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((i) => {
          const user = userFor(empty, `m${i}@epic.events`);
          return user.run(['init', '--first-name', 'M', '--last-name', String(i), '--email', user.email, '--password-stdin'], {
            stdin: `${TEST_PASSWORD}\n`,
            timeoutMs: 120_000,
            process: true,
          });
        }),
      );
      const codes = results.map((r) => r.code).sort();
      expect(codes).toEqual([0, 6, 6, 6, 6]);
      const winner = results.find((r) => r.code === 0)!;
      expect(results.filter((r) => r.code === 6).every((r) => /already initialised/.test(r.stderr))).toBe(true);
      const rows = await empty.query<{ email: string; role: string }>('SELECT email, role FROM employees');
      expect(rows).toHaveLength(1);
      expect(rows[0].role).toBe('MANAGEMENT');
      expect(winner.stdout).toContain(`<${rows[0].email}>`);
    } finally {
      await empty.close();
    }
  }, 180_000);

  it.each([
    ['short', 'too-short1', /at least 12 characters/],
    ['common', 'password1234', /too common/],
  ])('should refuse a %s password with exit 2 naming the rule', async (_kind, password, rule) => {
    const name = `policy${Math.random().toString(36).slice(2, 8)}`;
    const user = userFor(db, `${name}@epic.events`);
    const result = await user.run(['init', '--first-name', 'P', '--last-name', 'Q', '--email', `${name}@epic.events`, '--password-stdin'], {
      stdin: `${password}\n`,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(rule);
  });
});

describe('login', () => {
  it('should log in, keep the session in a 0600 file in a 0700 folder and warn that it is plain text', async () => {
    const user = userFor(db, manager.email);
    const result = await login(user);
    // The test users switch the keychain off: the warning says so rather than blame the machine.
    expect(result.stderr).toMatch(/EPICEVENTS_KEYCHAIN=off: credentials are stored in plain text/);
    expect(fs.statSync(path.join(user.home, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(user.home).mode & 0o777).toBe(0o700);
  });

  it('should give the same message for an unknown email and a wrong password', async () => {
    const unknown = await userFor(db, 'nobody@epic.events').run(['login', '--email', 'nobody@epic.events', '--password-stdin'], { stdin: 'whatever-password\n' });
    const wrong = await userFor(db, manager.email).run(['login', '--email', manager.email, '--password-stdin'], { stdin: 'wrong-password-123\n' });
    expect(unknown.code).toBe(3);
    expect(wrong.code).toBe(3);
    expect(unknown.stderr).toBe(wrong.stderr);
  });

  it('should exit 2 at once without --password-stdin when stdin is not a terminal', async () => {
    const result = await userFor(db, manager.email).run(['login', '--email', manager.email]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--password-stdin/);
  });

  it('should print only the JSON document on stdout with --json', async () => {
    const user = userFor(db, manager.email);
    const result = await user.run(['login', '--email', manager.email, '--password-stdin', '--json'], { stdin: `${TEST_PASSWORD}\n` });
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ email: manager.email, role: 'MANAGEMENT', credentialStore: 'file' });
    expect(result.stderr).toMatch(/plain text/);
  });

  it('should print only an access token with --print-token, store nothing, and the token should work as EPICEVENTS_TOKEN', async () => {
    const user = userFor(db, manager.email);
    const result = await user.run(['login', '--email', manager.email, '--password-stdin', '--print-token'], { stdin: `${TEST_PASSWORD}\n` });
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    expect(fs.existsSync(path.join(user.home, 'credentials.json'))).toBe(false);
    const who = await userFor(db, '').run(['whoami', '--json'], { env: { EPICEVENTS_TOKEN: token } });
    expect(who.json()).toMatchObject({ email: manager.email, credentialStore: 'environment' });
  });

  it('should lock an account after 5 failures in a row without touching other accounts', async () => {
    await insertEmployee('locked@epic.events');
    await insertEmployee('bystander@epic.events');
    const user = userFor(db, 'locked@epic.events');
    for (let i = 0; i < 4; i += 1) {
      expect((await user.run(['login', '--email', user.email, '--password-stdin'], { stdin: 'wrong-password-123\n' })).code).toBe(3);
    }
    const fifth = await user.run(['login', '--email', user.email, '--password-stdin'], { stdin: 'wrong-password-123\n' });
    expect(fifth.code).toBe(3);
    expect(fifth.stderr).toMatch(/locked for 15 more minutes/);
    const right = await user.run(['login', '--email', user.email, '--password-stdin'], { stdin: `${TEST_PASSWORD}\n` });
    expect(right.code).toBe(3);
    expect(right.stderr).toMatch(/locked for \d+ more minute/);
    await login(userFor(db, 'bystander@epic.events'));
  });

  // Drives the service in-process with its own connection: a server test (see the refresh race).
  (serverUrl() ? it : it.skip)('should unlock after the lockout period (clock injected)', async () => {
    await insertEmployee('clock@epic.events');
    const database = await openDatabase();
    const settings = { secret: TEST_JWT_SECRET, accessTtlSeconds: 900, refreshTtlSeconds: 3600 };
    const start = new Date();
    try {
      for (let i = 0; i < 5; i += 1) {
        await expect(loginService(database, 'clock@epic.events', 'wrong-password-123', settings, start)).rejects.toMatchObject({ code: 'unauthenticated' });
      }
      await expect(loginService(database, 'clock@epic.events', TEST_PASSWORD, settings, new Date(start.getTime() + LOCKOUT_MS - 60_000))).rejects.toThrow(/locked/);
      const session = await loginService(database, 'clock@epic.events', TEST_PASSWORD, settings, new Date(start.getTime() + LOCKOUT_MS + 1000));
      expect(session.actor.email).toBe('clock@epic.events');
    } finally {
      await database.close();
    }
  });
});

async function openDatabase(): Promise<Database> {
  return Database.open({ databaseUrl: db.url, dataDir: db.dataDir ?? '', scope: { tenant: DEFAULT_TENANT } });
}

describe('tokens', () => {
  let access: string;
  let refresh: string;
  let claims: jwt.JwtPayload;
  let salesAccess: string;

  beforeAll(async () => {
    ({ accessToken: access, refreshToken: refresh } = readCredentials(manager));
    claims = jwt.decode(access) as jwt.JwtPayload;
    await insertEmployee('forger@epic.events', 'SALES');
    const printed = await userFor(db, 'forger@epic.events').run(['login', '--email', 'forger@epic.events', '--password-stdin', '--print-token'], {
      stdin: `${TEST_PASSWORD}\n`,
    });
    salesAccess = printed.stdout.trim();
  });

  const whoamiWith = (token: string) => userFor(db, '').run(['whoami', '--json'], { env: { EPICEVENTS_TOKEN: token } });

  it('should accept the genuine access token through EPICEVENTS_TOKEN', async () => {
    const result = await whoamiWith(access);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ role: 'MANAGEMENT', credentialStore: 'environment' });
  });

  const tampered: [string, () => string][] = [
    [
      'an edited payload with the signature kept',
      () => {
        const [header, , signature] = access.split('.');
        const payload = Buffer.from(JSON.stringify({ ...claims, role: 'MANAGEMENT', sub: '2' })).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'a SALES token whose role was edited to MANAGEMENT with the signature kept',
      () => {
        const [header, payload, signature] = salesAccess.split('.');
        const edited = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), role: 'MANAGEMENT' };
        return `${header}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`;
      },
    ],
    [
      'alg none',
      () => `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`,
    ],
    ['a token signed with another key', () => forge({ ...claims }, 'another-secret-that-is-at-least-32-bytes')],
    ['an expired token', () => forge({ ...claims, iat: claims.iat! - 3600, exp: claims.iat! - 1800 })],
    ['a wrong issuer', () => forge({ ...claims, iss: 'someone-else' })],
    ['a wrong audience', () => forge({ ...claims, aud: 'another-app' })],
    ['a refresh token presented as access', () => refresh],
    ['garbage', () => 'not-a-jwt'],
  ];

  it.each(tampered)('should refuse %s with exit 3 and do nothing', async (_name, make) => {
    const token = make();
    const result = await whoamiWith(token);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // A write a manager may do: refused before anything is written.
    const [{ count: before }] = await db.query<{ count: string }>('SELECT count(*) FROM employees');
    const write = await userFor(db, '').run(['employee', 'create', '--first-name', 'Forged', '--last-name', 'Hire', '--email', 'forged@epic.events', '--role', 'MANAGEMENT'], {
      env: { EPICEVENTS_TOKEN: token },
    });
    expect(write.code).toBe(3);
    expect(write.stdout).toBe('');
    const [{ count: after }] = await db.query<{ count: string }>('SELECT count(*) FROM employees');
    expect(after).toBe(before);
  });

  it('should refuse an access token presented as a refresh token and issue nothing', async () => {
    const user = userFor(db, manager.email);
    fs.writeFileSync(path.join(user.home, 'credentials.json'), JSON.stringify({ accessToken: forge({ ...claims, iat: claims.iat! - 3600, exp: claims.iat! - 1800 }), refreshToken: access }), {
      mode: 0o600,
    });
    const [{ count: before }] = await db.query<{ count: string }>('SELECT count(*) FROM refresh_tokens');
    const result = await user.run(['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/not a valid refresh token/);
    const [{ count: after }] = await db.query<{ count: string }>('SELECT count(*) FROM refresh_tokens');
    expect(after).toBe(before);
  });
});

describe('sessions', () => {
  it('should refresh an expired access token transparently and rotate the refresh token', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_ACCESS_TTL: '1s' });
    await login(user);
    const before = readCredentials(user);
    await new Promise((r) => setTimeout(r, 2100));
    const result = await user.run(['whoami', '--json']);
    expect(result.code).toBe(0);
    const after = readCredentials(user);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
  });

  it('should end the session with exit 3 once the refresh token has expired (EPICEVENTS_REFRESH_TTL)', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_ACCESS_TTL: '1s', EPICEVENTS_REFRESH_TTL: '2s' });
    await login(user);
    await new Promise((r) => setTimeout(r, 3100));
    const result = await user.run(['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/session has expired.*epicevents login/);
  });

  it('should revoke the whole family when a rotated refresh token is replayed', async () => {
    const victim = userFor(db, manager.email, { EPICEVENTS_ACCESS_TTL: '1s' });
    await login(victim);
    const stolen = readCredentials(victim);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await victim.run(['whoami'])).code).toBe(0); // rotates

    const thief = userFor(db, manager.email, { EPICEVENTS_ACCESS_TTL: '1s' });
    fs.writeFileSync(path.join(thief.home, 'credentials.json'), JSON.stringify(stolen), { mode: 0o600 });
    const replay = await thief.run(['whoami']);
    expect(replay.code).toBe(3);
    expect(replay.stderr).toMatch(/used twice/);

    const legit = await victim.run(['whoami']);
    expect(legit.code).toBe(3);
  });

  it('should renew the session once, without taking it for a stolen copy, when several commands start together after the access token expired', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_ACCESS_TTL: '1s' });
    await login(user);
    const before = readCredentials(user);
    await new Promise((r) => setTimeout(r, 2100));
    const results = await Promise.all([1, 2, 3, 4].map(() => user.run(['whoami', '--json'], { timeoutMs: 60_000, process: true })));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const [family] = await db.query<{ revoked_at: Date | null }>(
      'SELECT f.revoked_at FROM session_families f JOIN refresh_tokens t ON t.family_id = f.id WHERE t.token_hash = $1',
      [createHash('sha256').update(before.refreshToken).digest('hex')],
    );
    expect(family.revoked_at).toBeNull();
    expect(readCredentials(user).refreshToken).not.toBe(before.refreshToken);
    expect((await user.run(['whoami'])).code).toBe(0);
  });

  // The embedded engine serves one process at a time, so only a server can race two refreshes.
  (serverUrl() ? it : it.skip)('should let at most one of two parallel refreshes of one token succeed', async () => {
    const user = userFor(db, manager.email);
    await login(user);
    const { refreshToken } = readCredentials(user);
    const settings = { secret: TEST_JWT_SECRET, accessTtlSeconds: 900, refreshTtlSeconds: 3600 };
    const [a, b] = [await openDatabase(), await openDatabase()];
    try {
      const outcomes = await Promise.allSettled([refreshSession(a, refreshToken, settings), refreshSession(b, refreshToken, settings)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('should revoke the login server-side on logout and remove the local copy', async () => {
    const user = userFor(db, manager.email);
    await login(user);
    const { accessToken } = readCredentials(user);
    const result = await user.run(['logout']);
    expect(result.code).toBe(0);
    expect(fs.existsSync(path.join(user.home, 'credentials.json'))).toBe(false);
    const reuse = await userFor(db, '').run(['whoami'], { env: { EPICEVENTS_TOKEN: accessToken } });
    expect(reuse.code).toBe(3);
    expect((await user.run(['whoami'])).code).toBe(3);
  });

  it('should end the session of a deactivated employee at once and apply a role change on the next command', async () => {
    const id = await insertEmployee('mover@epic.events', 'SALES');
    const user = userFor(db, 'mover@epic.events');
    await login(user);
    expect((await user.run(['whoami', '--json'])).json()).toMatchObject({ role: 'SALES' });
    expect((await user.run(['audit', 'list'])).code).toBe(4);
    // Promoted in the database: the token still says SALES, the permissions follow the database.
    await db.query(`UPDATE employees SET role = 'MANAGEMENT' WHERE id = $1`, [id]);
    expect((await user.run(['audit', 'list', '--json'])).code).toBe(0);
    await db.query(`UPDATE employees SET role = 'SUPPORT' WHERE id = $1`, [id]);
    expect((await user.run(['whoami', '--json'])).json()).toMatchObject({ role: 'SUPPORT' });
    expect((await user.run(['audit', 'list'])).code).toBe(4);
    await db.query('UPDATE employees SET is_active = false WHERE id = $1', [id]);
    const result = await user.run(['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/deactivated/);
  });

  it('should require a password change before other commands and allow it with --stdin', async () => {
    const id = await insertEmployee('fresh@epic.events', 'SUPPORT');
    await db.query('UPDATE employees SET must_change_password = true WHERE id = $1', [id]);
    const user = userFor(db, 'fresh@epic.events');
    await login(user);
    const who = await user.run(['whoami']);
    expect(who.code).toBe(0);
    expect(who.stderr).toMatch(/password change/);
    const blocked = await user.run(['event', 'list']);
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toMatch(/must change your password.*`epicevents password change`/);
    const bad = await user.run(['password', 'change', '--stdin'], { stdin: `${TEST_PASSWORD}\nshort\n` });
    expect(bad.code).toBe(2);
    const wrong = await user.run(['password', 'change', '--stdin'], { stdin: `not-the-password\nA-much-better-passphrase-42\n` });
    expect(wrong.code).toBe(3);
    const good = await user.run(['password', 'change', '--stdin'], { stdin: `${TEST_PASSWORD}\nA-much-better-passphrase-42\n` });
    expect(good.code).toBe(0);
    const [row] = await db.query<{ must_change_password: boolean }>('SELECT must_change_password FROM employees WHERE id = $1', [id]);
    expect(row.must_change_password).toBe(false);
    expect((await user.run(['whoami'])).code).toBe(0);
  });
});

describe('credential file', () => {
  it.each([
    ['corrupted', '{not json'],
    ['empty', ''],
    ['missing fields', '{"accessToken": 5}'],
  ])('should refuse a %s credentials file with exit 3 and a hint to log in again', async (_name, content) => {
    const user = userFor(db, manager.email);
    fs.writeFileSync(path.join(user.home, 'credentials.json'), content, { mode: 0o600 });
    const result = await user.run(['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/epicevents login/);
  });

  it('should never read a credentials file that other users can read', async () => {
    const user = userFor(db, manager.email);
    await login(user);
    fs.chmodSync(path.join(user.home, 'credentials.json'), 0o644);
    const result = await user.run(['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/readable by other users/);
  });

  it('should exit 7 naming the folder, not crash, when the config folder cannot be created', async () => {
    const file = path.join(tempHome(), 'a-file');
    fs.writeFileSync(file, '');
    const user = userFor(db, manager.email, { EPICEVENTS_HOME: path.join(file, 'epicevents') });
    const result = await user.run(['login', '--email', manager.email, '--password-stdin'], { stdin: `${TEST_PASSWORD}\n` });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(new RegExp(`^error: cannot use ${file}/epicevents\\S*: a part of the path is a file, not a folder`));
    expect(result.stderr).not.toMatch(/unexpected|\n\s+at /);
  });

  it('should say "not logged in" with exit 3 when there is no session', async () => {
    const result = await userFor(db, manager.email).run(['whoami']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/not logged in/);
  });
});

describe('configuration', () => {
  (serverUrl() ? it : it.skip)('should exit 7 naming EPICEVENTS_JWT_SECRET when it is missing or too short against a server', async () => {
    const missing = await userFor(db, manager.email).run(['whoami'], { env: { EPICEVENTS_JWT_SECRET: '' } });
    expect(missing.code).toBe(7);
    expect(missing.stderr).toMatch(/EPICEVENTS_JWT_SECRET/);
    const short = await userFor(db, manager.email).run(['whoami'], { env: { EPICEVENTS_JWT_SECRET: 'short' } });
    expect(short.code).toBe(7);
    expect(short.stderr).toMatch(/EPICEVENTS_JWT_SECRET is too short/);
  });
});
