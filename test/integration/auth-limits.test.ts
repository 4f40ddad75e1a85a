import jwt from 'jsonwebtoken';
import { ARGON2_OPTIONS } from '../../src/auth/passwords';
import { TEST_JWT_SECRET, runCommandsAsProcesses } from '../support/cli';
import { FACTORY_PASSWORD, insertEmployee } from '../support/factories';
import { waitForBlocked, watchRuns } from '../support/row-locks';
import { createTestDatabase, serverUrl, superuserClient, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

// The subject is the process: the login throttle between concurrent processes.
runCommandsAsProcesses();

/**
 * Where passwords and tokens meet their limits: guessing through `password change`, passwords typed
 * in another Unicode form, token claims and durations out of range, and an account deleted while
 * one of its commands runs.
 */
let db: TestDatabase;
let manager: TestUser;

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
});
afterAll(async () => db.close());

const noStackTrace = (stderr: string) => !/\n\s+at /.test(stderr);

async function loggedInSales(email: string): Promise<TestUser & { id: number }> {
  const row = await insertEmployee(db, { role: 'SALES', email });
  const user = userFor(db, email);
  await login(user, FACTORY_PASSWORD);
  return Object.assign(user, { id: row.id });
}

describe('password change', () => {
  it('should count wrong current passwords towards the login lockout, audit each one, and then refuse the right one', async () => {
    const user = await loggedInSales('guesser@epic.events');
    for (let i = 1; i <= 4; i += 1) {
      const wrong = await user.run(['password', 'change', '--stdin'], { stdin: `wrong-guess-number-${i}\nA-much-better-passphrase-42\n` });
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toMatch(/the current password is wrong/);
      // The fourth says that the next one locks: the person can stop there.
      expect(wrong.stderr.includes('one more wrong password locks the account for 15 minutes')).toBe(i === 4);
    }
    const fifth = await user.run(['password', 'change', '--stdin'], { stdin: 'wrong-guess-number-5\nA-much-better-passphrase-42\n' });
    expect(fifth.code).toBe(3);
    expect(fifth.stderr).toMatch(/locked for 15 more minutes/);

    const right = await user.run(['password', 'change', '--stdin'], { stdin: `${FACTORY_PASSWORD}\nA-much-better-passphrase-42\n` });
    expect(right.code).toBe(3);
    expect(right.stderr).toMatch(/locked for \d+ more minute/);
    const relogin = await userFor(db, user.email).run(['login', '--email', user.email, '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` });
    expect(relogin.code).toBe(3);
    expect(relogin.stderr).toMatch(/locked/);

    const audit = await db.query<{ action: string; actor_id: number; entity_id: number }>(
      `SELECT action, actor_id, entity_id FROM audit_log WHERE action LIKE 'employee.password-change%' AND entity_id = $1 ORDER BY id`,
      [user.id],
    );
    expect(audit).toEqual(Array.from({ length: 5 }, () => ({ action: 'employee.password-change-failed', actor_id: user.id, entity_id: user.id })));
    const [row] = await db.query<{ locked: boolean }>('SELECT locked_until > now() AS locked FROM employees WHERE id = $1', [user.id]);
    expect(row.locked).toBe(true);
  });

  it('should reset the count after the right current password, like a login', async () => {
    const user = await loggedInSales('forgetful@epic.events');
    for (let i = 0; i < 3; i += 1) {
      expect((await user.run(['password', 'change', '--stdin'], { stdin: `wrong-guess-number-${i}\nA-much-better-passphrase-42\n` })).code).toBe(3);
    }
    const good = await user.run(['password', 'change', '--stdin'], { stdin: `${FACTORY_PASSWORD}\nA-much-better-passphrase-42\n` });
    expect(good.code).toBe(0);
    const [row] = await db.query<{ failed_login_count: number; locked_until: Date | null }>('SELECT failed_login_count, locked_until FROM employees WHERE id = $1', [user.id]);
    expect(row).toEqual({ failed_login_count: 0, locked_until: null });
  });
});

describe('lockout', () => {
  it('should warn at the fourth wrong password in a row at login, in the same one line, that the next one locks the account', async () => {
    const user = await loggedInSales('almost-locked@epic.events');
    const attempts = [];
    for (let i = 1; i <= 4; i += 1) attempts.push(await userFor(db, user.email).run(['login', '--email', user.email, '--password-stdin'], { stdin: `wrong-guess-number-${i}\n` }));
    expect(attempts.map((a) => a.code)).toEqual([3, 3, 3, 3]);
    expect(attempts.slice(0, 3).map((a) => a.stderr)).toEqual(Array.from({ length: 3 }, () => 'error: invalid email or password\n'));
    expect(attempts[3].stderr).toBe('error: invalid email or password (one more wrong password locks the account for 15 minutes)\n');
  });

  it('should refuse a locked account whatever the password, and a wrong one must not move or clear the lock', async () => {
    const user = await loggedInSales('locked-already@epic.events');
    const until = new Date(Date.now() + 10 * 60_000);
    await db.query('UPDATE employees SET failed_login_count = 5, locked_until = $2 WHERE id = $1', [user.id, until]);
    const wrong = await user.run(['login', '--email', user.email, '--password-stdin'], { stdin: 'wrong-password-123\n' });
    const right = await user.run(['login', '--email', user.email, '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\n` });
    expect([wrong.code, right.code]).toEqual([3, 3]);
    expect(right.stderr).toMatch(/locked for 10 more minutes/);
    const [row] = await db.query<{ failed_login_count: number; locked_until: Date | string }>('SELECT failed_login_count, locked_until FROM employees WHERE id = $1', [user.id]);
    expect(row.failed_login_count).toBe(5);
    expect(new Date(row.locked_until).getTime()).toBe(until.getTime()); // a string from the embedded engine
  });
});

describe('failed logins in the audit trail', () => {
  const loginWith = (email: string, password: string) => userFor(db, email).run(['login', '--email', email, '--password-stdin'], { stdin: `${password}\n` });

  it('should audit each failed login of a known account with its reason, and the lockout it starts, by nobody, about the account', async () => {
    const user = await loggedInSales('targeted@epic.events');
    const attempts = [];
    for (let i = 1; i <= 5; i += 1) attempts.push(await loginWith(user.email, `wrong-guess-number-${i}`));
    const whileLocked = await loginWith(user.email, FACTORY_PASSWORD);
    expect([...attempts, whileLocked].map((a) => a.code)).toEqual([3, 3, 3, 3, 3, 3]);

    const entries = await db.query<{ action: string; actor_id: number | null; actor_label: string | null; changes: Record<string, { after: unknown }> }>(
      `SELECT action, actor_id, actor_label, changes FROM audit_log WHERE entity_type = 'employee' AND entity_id = $1 AND action LIKE 'session.%' AND action <> 'session.login' ORDER BY id`,
      [user.id],
    );
    const [row] = await db.query<{ locked_until: Date | string }>('SELECT locked_until FROM employees WHERE id = $1', [user.id]);
    const lockedUntil = new Date(row.locked_until).toISOString();
    const failed = (reason: string, extra: Record<string, unknown>) => ({ action: 'session.login-failed', actor_id: null, actor_label: null, changes: { reason: { before: null, after: reason }, ...extra } });
    const inARow = (n: number) => ({ failedLoginsInARow: { before: null, after: n } });
    expect(entries).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => failed('wrong password', inARow(n))),
      { action: 'session.lockout', actor_id: null, actor_label: null, changes: { lockedUntil: { before: null, after: lockedUntil }, ...inARow(5) } },
      failed('locked', { lockedUntil: { before: null, after: lockedUntil } }),
    ]);

    // What a manager sees: `audit list` of the account, newest first.
    const listed = await manager.run(['audit', 'list', '--entity', `employee:${user.id}`, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.json<{ action: string; actorId: number | null }[]>().slice(0, 7).map((e) => [e.action, e.actorId])).toEqual([
      ['session.login-failed', null],
      ['session.lockout', null],
      ...Array.from({ length: 5 }, () => ['session.login-failed', null]),
    ]);
    const human = await manager.run(['audit', 'list', '--action', 'session.lockout']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`session\\.lockout\\s.*employee\\s+${user.id}\\b`));
  });

  it('should give an unknown email the same answer as a wrong password, and write nothing for it', async () => {
    const user = await loggedInSales('known-account@epic.events');
    const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    const unknown = await loginWith('nobody-here@epic.events', 'wrong-guess-number-1');
    expect(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).toEqual(before);
    const wrong = await loginWith(user.email, 'wrong-guess-number-1');
    expect({ code: unknown.code, stdout: unknown.stdout, stderr: unknown.stderr }).toEqual({ code: wrong.code, stdout: wrong.stdout, stderr: wrong.stderr });
    expect(wrong).toMatchObject({ code: 3, stderr: 'error: invalid email or password\n' });
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'session.login-failed' AND entity_id = $1`, [user.id]);
    expect(n).toBe(1);
  });

  it('should audit the right password of a deactivated account as a failed login', async () => {
    const user = await loggedInSales('gone-away@epic.events');
    expect((await manager.run(['employee', 'deactivate', String(user.id)])).code).toBe(0);
    const refused = await loginWith(user.email, FACTORY_PASSWORD);
    expect(refused).toMatchObject({ code: 3, stderr: expect.stringMatching(/this account is deactivated/) });
    const entries = await db.query<{ changes: { reason: { after: string } } }>(`SELECT changes FROM audit_log WHERE action = 'session.login-failed' AND entity_id = $1`, [user.id]);
    expect(entries.map((e) => e.changes.reason.after)).toEqual(['deactivated']);
  });
});

describe('password normalisation', () => {
  const nfc = 'Crème-brûlée-à-Noël-2026';
  const nfd = nfc.normalize('NFD');

  it('should accept a password typed in NFD when it was set in NFC (and the reverse)', async () => {
    expect(nfd).not.toBe(nfc);
    const created = await manager.run(['employee', 'create', '--first-name', 'Zoé', '--last-name', 'N', '--email', 'zoe@epic.events', '--role', 'SUPPORT', '--password-stdin'], {
      stdin: `${nfc}\n`,
    });
    expect(created.code).toBe(0);
    await login(userFor(db, 'zoe@epic.events'), nfd);
    await login(userFor(db, 'zoe@epic.events'), nfc);
  });

  it('should still accept a password whose hash was made from the NFD form before passwords were normalised', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const argon2 = require('argon2') as typeof import('argon2');
    const legacy = await argon2.hash(nfd, { type: argon2.argon2id, ...ARGON2_OPTIONS });
    await insertEmployee(db, { role: 'SUPPORT', email: 'legacy@epic.events', passwordHash: legacy });
    await login(userFor(db, 'legacy@epic.events'), nfd);
  });

  it.each([
    ['full-width letters of a common password', 'ｐａｓｓｗｏｒｄ１２３４', /too common/],
    ['four letters padded with zero-width spaces', `abcd${'\u200b'.repeat(8)}`, /at least 12 characters/],
    ['a short sequence repeated', 'abcdabcdabcd', /repeats a short sequence/],
  ])('should refuse %s with exit 2 naming the rule', async (_name, password, rule) => {
    const result = await manager.run(['employee', 'create', '--first-name', 'Weak', '--last-name', 'P', '--email', 'weak@epic.events', '--role', 'SUPPORT', '--password-stdin'], {
      stdin: `${password}\n`,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(rule);
    expect(await db.query('SELECT id FROM employees WHERE email = $1', ['weak@epic.events'])).toHaveLength(0);
  });
});

describe('token claims and durations out of range', () => {
  let claims: jwt.JwtPayload;

  beforeAll(async () => {
    const printed = await userFor(db, manager.email).run(['login', '--email', manager.email, '--password-stdin', '--print-token'], {
      stdin: 'Tr0ub4dor&3-horse-battery\n',
    });
    claims = jwt.decode(printed.stdout.trim()) as jwt.JwtPayload;
  });

  const whoamiWith = (token: string) => userFor(db, '').run(['whoami', '--json'], { env: { EPICEVENTS_TOKEN: token } });
  const sign = (payload: object, header: object = {}) => jwt.sign(payload, TEST_JWT_SECRET, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT', ...header } });
  const now = () => Math.floor(Date.now() / 1000);

  it.each<[string, () => string]>([
    ['a subject beyond any employee id', () => sign({ ...claims, sub: '9999999999' })],
    ['an expiry in the year 31 000 000', () => sign({ ...claims, exp: 1e15 })],
    ['a lifetime longer than any the settings allow', () => sign({ ...claims, iat: now(), exp: now() + 400 * 86400 })],
    ['an issue time an hour in the future', () => sign({ ...claims, iat: now() + 3600, exp: now() + 3600 + 900 })],
    ['a critical header extension it does not know', () => sign({ ...claims }, { crit: ['x-epic'], 'x-epic': true })],
  ])('should refuse a validly signed token with %s with exit 3', async (_name, make) => {
    const result = await whoamiWith(make());
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/not a valid access token|not valid/);
    expect(result.stdout).toBe('');
    expect(noStackTrace(result.stderr)).toBe(true);
  });

  it('should accept an issue time a few seconds ahead (clock skew between machines)', async () => {
    const result = await whoamiWith(sign({ ...claims, iat: now() + 5, exp: now() + 5 + 900 }));
    expect(result.code).toBe(0);
  });

  it.each(['999999999d', '999999999h', '25h'])('should refuse EPICEVENTS_ACCESS_TTL=%s with exit 7 naming the bound', async (ttl) => {
    const result = await userFor(db, manager.email, { EPICEVENTS_ACCESS_TTL: ttl }).run(['login', '--email', manager.email, '--password-stdin'], {
      stdin: 'Tr0ub4dor&3-horse-battery\n',
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/EPICEVENTS_ACCESS_TTL must be at most 24h/);
    expect(noStackTrace(result.stderr)).toBe(true);
  });

  it('should refuse EPICEVENTS_REFRESH_TTL beyond its bound with exit 7', async () => {
    const result = await userFor(db, manager.email, { EPICEVENTS_REFRESH_TTL: '366d' }).run(['whoami']);
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/EPICEVENTS_REFRESH_TTL must be at most 365d/);
  });
});

// Needs a second connection holding the deletion open while the command runs: a server test.
(serverUrl() ? describe : describe.skip)('an account deleted while its command runs', () => {
  it('should end `client create` with exit 3 (the session account is gone), not exit 5 on an employee', async () => {
    const sales = await loggedInSales('leaving@epic.events');
    // A manager's deletion, written but not committed, when the salesperson's command starts.
    const deletion = superuserClient(db.url);
    await deletion.connect();
    await deletion.query('BEGIN');
    await deletion.query('DELETE FROM employees WHERE id = $1', [sales.id]);
    const pending = sales.run(['client', 'create', '--full-name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '+33612345678', '--company', 'Cool Startup']);
    try {
      await waitForBlocked(db.url!, 1, 30_000, watchRuns([pending]));
      await deletion.query('COMMIT');
    } finally {
      await deletion.end();
    }
    const result = await pending;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the account of this session no longer exists/);
    expect(await db.query('SELECT id FROM clients WHERE email = $1', ['kevin@startup.io'])).toHaveLength(0);
  });
});
