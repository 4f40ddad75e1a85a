import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempHome, runCommandsAsProcesses } from '../support/cli';
import { makeReadOnly, mountsAvailable, isRoot } from '../support/mounts';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, TEST_PASSWORD, type TestUser, userFor } from '../support/users';

// The subject is the process: the working directory's .env and the config folder of a process.
runCommandsAsProcesses();

/**
 * The config folder as the machine really has it: a folder that exists with its own mode, one that
 * other users can write, a path through a symlink, a folder that turns read-only, a FIFO where the
 * credentials file should be.
 */
let db: TestDatabase;
let manager: TestUser;

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
});
afterAll(async () => db.close());

const readCredentials = (home: string) => fs.readFileSync(path.join(home, 'credentials.json'), 'utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The environment naming `dir` as the config folder (the session only: the embedded database stays where db.env puts it). */
function configFolderEnv(dir: string): Record<string, string> {
  return { ...db.env, EPICEVENTS_HOME: dir };
}

async function familyRevokedReason(refreshToken: string): Promise<string | null> {
  const [family] = await db.query<{ revoked_reason: string | null }>(
    'SELECT f.revoked_reason FROM session_families f JOIN refresh_tokens t ON t.family_id = f.id WHERE t.token_hash = $1',
    [createHash('sha256').update(refreshToken).digest('hex')],
  );
  return family.revoked_reason;
}

describe('a config folder that exists', () => {
  it('should keep the mode of a folder it did not create, reached through a symlink', async () => {
    const folder = tempHome();
    fs.chmodSync(folder, 0o750);
    const env = configFolderEnv(folder);
    const result = await runCli(['login', '--email', manager.email, '--password-stdin'], { env, stdin: `${TEST_PASSWORD}\n` });
    expect(result.code).toBe(0);
    expect(fs.statSync(folder).mode & 0o7777).toBe(0o750);
    expect(fs.statSync(path.join(folder, 'credentials.json')).mode & 0o777).toBe(0o600);
  });

  it('should refuse with exit 7 a folder that other users can write, naming it and the fix, and leave it as it was', async () => {
    const folder = tempHome();
    fs.chmodSync(folder, 0o1777);
    const result = await runCli(['login', '--email', manager.email, '--password-stdin'], { env: configFolderEnv(folder), stdin: `${TEST_PASSWORD}\n` });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(new RegExp(`^error: ${folder} can be written by other users.*chmod 700 ${folder}`));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.statSync(folder).mode & 0o7777).toBe(0o1777);
    expect(fs.readdirSync(folder)).toEqual([]);
  });
});

describe('a credentials file that is not a regular file', () => {
  it('should exit 7 naming it instead of waiting forever when credentials.json is a FIFO', async () => {
    const user = userFor(db, manager.email);
    execFileSync('mkfifo', ['-m', '600', path.join(user.home, 'credentials.json')]);
    const result = await user.run(['whoami'], { timeoutMs: 20_000 });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/credentials\.json is not a regular file.*rm /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('should exit 7 naming it instead of waiting forever when .env in the working directory is a FIFO', async () => {
    const cwd = tempHome();
    execFileSync('mkfifo', ['-m', '600', path.join(cwd, '.env')]);
    const result = await runCli(['whoami'], { env: { ...db.env, EPICEVENTS_HOME: tempHome() }, cwd, timeoutMs: 20_000 });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/\.env is not a regular file.*rm /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('renewing the session', () => {
  it('should renew once, without taking it for a stolen copy, when commands reach one config folder through two paths', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_ACCESS_TTL: '1s' });
    const key = db.url ? 'EPICEVENTS_HOME' : 'XDG_CONFIG_HOME';
    const link = `${user.env[key]}-link`;
    fs.symlinkSync(user.env[key], link);
    for (let round = 0; round < 3; round += 1) {
      await login(user);
      const before = JSON.parse(readCredentials(user.home)) as { refreshToken: string };
      await sleep(2100);
      const results = await Promise.all([0, 1, 2, 3].map((i) => user.run(['whoami', '--json'], { env: i % 2 === 0 ? {} : { [key]: link }, timeoutMs: 60_000 })));
      expect(results.map((r) => [r.code, r.stderr.includes('used twice')])).toEqual(Array(4).fill([0, false]));
      expect(await familyRevokedReason(before.refreshToken)).toBeNull();
    }
  });

  // Permission bits do not stop root: there the folder becomes a read-only bind mount.
  const readOnlyPossible = !isRoot || mountsAvailable();
  (readOnlyPossible ? it : it.skip)('should keep the login, not revoke it as stolen, when the renewed session cannot be saved in a folder made read-only', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_ACCESS_TTL: '1s' });
    await login(user);
    const before = readCredentials(user.home);
    await sleep(2100);
    const undo = makeReadOnly(user.home)!;
    let attempts;
    try {
      attempts = [await user.run(['whoami']), await user.run(['whoami'])];
    } finally {
      undo();
    }
    // Before: the first renewal was committed but not saved, the second presented the old token as a replay.
    expect(attempts.map((r) => r.code)).toEqual([7, 7]);
    for (const result of attempts) {
      expect(result.stderr).toMatch(new RegExp(`^error: cannot use ${path.join(user.home, 'credentials.json')}: (read-only file system|permission denied)`));
    }
    expect(readCredentials(user.home)).toBe(before);
    expect(fs.readdirSync(user.home)).toEqual(['credentials.json']);
    const after = await user.run(['whoami', '--json']);
    expect(after.code).toBe(0);
    expect(readCredentials(user.home)).not.toBe(before);
    expect(await familyRevokedReason(JSON.parse(before).refreshToken)).toBeNull();
  });
});
