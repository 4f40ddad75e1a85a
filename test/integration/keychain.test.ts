import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';
import { runCommandsAsProcesses } from '../support/cli';

// The subject is the process: the keychain helper process.
runCommandsAsProcesses();

/**
 * The real OS keychain: a Secret Service (gnome-keyring) on a D-Bus session bus. `.ci/run` runs
 * the suite inside `dbus-run-session` with an unlocked keyring; elsewhere the keychain cases are
 * skipped unless such a bus is there (they never pass vacuously).
 */
const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
const secretTool = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v secret-tool'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const keytarBuilt = (() => {
  try {
    require.resolve('keytar/build/Release/keytar.node');
    return true;
  } catch {
    return false;
  }
})();
const withKeychain = bus && secretTool && keytarBuilt ? it : it.skip;
if (process.env.CI && !(bus && secretTool && keytarBuilt)) {
  throw new Error('CI must run the keychain suite inside a D-Bus session with gnome-keyring, secret-tool and keytar built');
}

let db: TestDatabase;
let manager: TestUser;

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
});
afterAll(async () => db.close());

function keychainEntries(): string {
  try {
    return execFileSync('secret-tool', ['search', '--all', 'service', 'epicevents'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return '';
  }
}

describe('OS keychain', () => {
  withKeychain('should keep the session in the keychain, not in a file, and remove it on logout', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_KEYCHAIN: 'auto', DBUS_SESSION_BUS_ADDRESS: bus! });
    const result = await login(user);
    expect(result.stdout).toMatch(/OS keychain/);
    expect(result.stderr).not.toMatch(/plain text/);
    expect(fs.existsSync(path.join(user.home, 'credentials.json'))).toBe(false);
    expect(keychainEntries()).toContain(`session:${user.home}`);

    const who = await user.run(['whoami', '--json']);
    expect(who.code).toBe(0);
    expect(who.json()).toMatchObject({ email: manager.email, credentialStore: 'keychain' });

    expect((await user.run(['logout'])).code).toBe(0);
    expect(keychainEntries()).not.toContain(`session:${user.home}`);
    expect((await user.run(['whoami'])).code).toBe(3);
  });

  withKeychain('should renew an expired access token kept in the keychain, once for commands started together', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_KEYCHAIN: 'auto', DBUS_SESSION_BUS_ADDRESS: bus!, EPICEVENTS_ACCESS_TTL: '1s' });
    await login(user);
    await new Promise((r) => setTimeout(r, 2100));
    const results = await Promise.all([1, 2, 3].map(() => user.run(['whoami', '--json'], { timeoutMs: 60_000 })));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    for (const result of results) expect(result.json()).toMatchObject({ credentialStore: 'keychain' });
    expect(fs.existsSync(path.join(user.home, 'credentials.json'))).toBe(false);
    expect((await user.run(['logout'])).code).toBe(0);
  });

  it('should fall back to a 0600 file with a plain-text warning when no session bus answers', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_KEYCHAIN: 'auto', DBUS_SESSION_BUS_ADDRESS: '', DISPLAY: '' });
    const result = await login(user);
    expect(result.stderr).toMatch(/no OS keychain available: credentials are stored in plain text/);
    expect(fs.statSync(path.join(user.home, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect((await user.run(['whoami', '--json'])).json()).toMatchObject({ credentialStore: 'file' });
  });

  it('should fall back to the file store when the keychain hangs, after the 3 s bound', async () => {
    // A bus that accepts the connection and never says a word: libsecret waits forever.
    const socket = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bus-')), 'bus');
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(socket, resolve));
    try {
      const user = userFor(db, manager.email, { EPICEVENTS_KEYCHAIN: 'auto', DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` });
      const result = await user.run(['login', '--email', manager.email, '--password-stdin'], { stdin: 'Tr0ub4dor&3-horse-battery\n', timeoutMs: 20000 });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/plain text/);
      expect(fs.existsSync(path.join(user.home, 'credentials.json'))).toBe(true);
      // Once the file holds the session, later commands read it first and never wait on the bus.
      expect((await user.run(['whoami', '--json'], { timeoutMs: 20000 })).json()).toMatchObject({ credentialStore: 'file' });
    } finally {
      silent.close();
    }
  });

  it('should use the file store when EPICEVENTS_KEYCHAIN=off even if a keychain answers', async () => {
    const user = userFor(db, manager.email, { EPICEVENTS_KEYCHAIN: 'off', ...(bus ? { DBUS_SESSION_BUS_ADDRESS: bus } : {}) });
    await login(user);
    expect(fs.existsSync(path.join(user.home, 'credentials.json'))).toBe(true);
    expect(keychainEntries()).not.toContain(`session:${user.home}`);
  });
});
