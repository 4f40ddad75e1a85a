import fs from 'node:fs';
import path from 'node:path';
import { type CliOptions, type CliResult, runCli, tempHome } from './cli';
import { FACTORY_PASSWORD, insertEmployee } from './factories';
import { type TestDatabase } from './test-database';

export const TEST_PASSWORD = 'Tr0ub4dor&3-horse-battery';

/** One person at a terminal: their own config folder (credentials), the shared test database. */
export interface TestUser {
  home: string;
  email: string;
  env: Record<string, string>;
  run(args: string[], options?: CliOptions): Promise<CliResult>;
}

/**
 * On a server each user gets EPICEVENTS_HOME; on the embedded engine their own XDG_CONFIG_HOME,
 * beside the test database's XDG_DATA_HOME, which they share.
 */
export function userFor(db: TestDatabase, email: string, extraEnv: Record<string, string> = {}): TestUser {
  const base = tempHome();
  const home = db.url ? base : path.join(base, 'epicevents');
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const env = { ...db.env, ...(db.url ? { EPICEVENTS_HOME: base } : { XDG_CONFIG_HOME: base }), ...extraEnv };
  return {
    home,
    email,
    env,
    run: (args, options = {}) => runCli(args, { ...options, env: { ...env, ...options.env } }),
  };
}

/** `init` through the real binary, then `login`: the first manager, logged in. */
export async function initManager(db: TestDatabase, email = 'ada@epic.events'): Promise<TestUser> {
  const user = userFor(db, email);
  const init = await user.run(['init', '--first-name', 'Ada', '--last-name', 'Lovelace', '--email', email, '--password-stdin'], {
    stdin: `${TEST_PASSWORD}\n`,
  });
  if (init.code !== 0) throw new Error(`init failed (${init.code}): ${init.stderr}`);
  await login(user, TEST_PASSWORD);
  return user;
}

export async function login(user: TestUser, password = TEST_PASSWORD): Promise<CliResult> {
  const result = await user.run(['login', '--email', user.email, '--password-stdin'], { stdin: `${password}\n` });
  if (result.code !== 0) throw new Error(`login of ${user.email} failed (${result.code}): ${result.stderr}`);
  return result;
}

/** A new employee of this role, logged in through the real binary; the user carries the employee id. */
export async function loggedIn(
  db: TestDatabase,
  role: 'MANAGEMENT' | 'SALES' | 'SUPPORT',
  email: string,
  names: { firstName?: string; lastName?: string } = {},
): Promise<TestUser & { id: number }> {
  const employee = await insertEmployee(db, { role, email, ...names });
  const user = userFor(db, email);
  await login(user, FACTORY_PASSWORD);
  return Object.assign(user, { id: employee.id });
}
