import { type CliOptions, type CliResult, runCli, tempHome } from './cli';
import { type TestDatabase } from './test-database';

export const TEST_PASSWORD = 'Tr0ub4dor&3-horse-battery';

/** One person at a terminal: their own config folder (credentials), the shared test database. */
export interface TestUser {
  home: string;
  email: string;
  env: Record<string, string>;
  run(args: string[], options?: CliOptions): Promise<CliResult>;
}

export function userFor(db: TestDatabase, email: string, extraEnv: Record<string, string> = {}): TestUser {
  const home = tempHome();
  const env = { ...db.env, EPICEVENTS_HOME: home, ...extraEnv };
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
