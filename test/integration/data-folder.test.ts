import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempHome } from '../support/cli';
import { emptyEmbeddedFolder } from '../support/test-database';
import { TEST_PASSWORD } from '../support/users';

/**
 * The embedded database's folder on a machine two people share: EPICEVENTS_HOME keeps a person's
 * session and nothing else, EPICEVENTS_DATA_DIR moves the database, a login on an empty database
 * says so and names `init`, and a folder reached through a symbolic link opens.
 */
const EMBEDDED_TIMEOUT_MS = 120_000;

describe('the embedded data folder', () => {
  let shared: string;
  const folders: string[] = [];
  const folder = () => {
    const dir = tempHome();
    folders.push(dir);
    return dir;
  };
  /** A data home whose database exists without the schema (creating one costs seconds: emptyEmbeddedFolder). */
  const dataHome = () => {
    const dir = folder();
    emptyEmbeddedFolder(path.join(dir, 'epicevents', 'data'));
    return dir;
  };
  const embedded = (env: Record<string, string>) => ({ DATABASE_URL: undefined, XDG_DATA_HOME: shared, XDG_CONFIG_HOME: folder(), ...env });
  const login = (env: Record<string, string | undefined>) =>
    runCli(['login', '--email', 'ada@epic.events', '--password-stdin'], { env, stdin: `${TEST_PASSWORD}\n`, timeoutMs: EMBEDDED_TIMEOUT_MS });

  beforeAll(async () => {
    shared = dataHome();
    const init = await runCli(['init', '--first-name', 'Ada', '--last-name', 'Lovelace', '--email', 'ada@epic.events', '--password-stdin'], {
      env: embedded({}),
      stdin: `${TEST_PASSWORD}\n`,
      timeoutMs: EMBEDDED_TIMEOUT_MS,
    });
    if (init.code !== 0) throw new Error(`init failed (${init.code}): ${init.stderr}`);
  }, EMBEDDED_TIMEOUT_MS);
  afterAll(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it(
    'should let a second person who sets EPICEVENTS_HOME log in to the same database, keeping their session apart',
    async () => {
      const first = embedded({});
      const secondHome = folder();
      const second = embedded({ EPICEVENTS_HOME: secondHome });
      expect((await login(first)).code).toBe(0);
      const secondLogin = await login(second);
      expect(secondLogin.stderr).not.toMatch(/invalid email or password/);
      expect(secondLogin.code).toBe(0);
      expect(fs.existsSync(path.join(secondHome, 'credentials.json'))).toBe(true);
      expect(fs.existsSync(path.join(secondHome, 'data'))).toBe(false);
      expect((await runCli(['whoami', '--json'], { env: first, timeoutMs: EMBEDDED_TIMEOUT_MS })).json()).toMatchObject({ email: 'ada@epic.events' });
    },
    EMBEDDED_TIMEOUT_MS,
  );

  it(
    'should say that an empty embedded database has no employee and name `init`, not "invalid email or password" (exit 3)',
    async () => {
      const empty = path.join(folder(), 'data');
      emptyEmbeddedFolder(empty);
      const result = await login(embedded({ EPICEVENTS_DATA_DIR: empty }));
      expect(result.code).toBe(3);
      expect(result.stderr.trim().split('\n')).toEqual([
        `error: the embedded database in ${empty} has no employee yet (create the first manager with \`epicevents init\`, or set EPICEVENTS_DATA_DIR to the folder of an existing database)`,
      ]);
    },
    EMBEDDED_TIMEOUT_MS,
  );

  it(
    'should name the folder an earlier version used ($EPICEVENTS_HOME/data) when the database found is empty, and use it once EPICEVENTS_DATA_DIR names it',
    async () => {
      const home = folder();
      const earlier = path.join(home, 'data');
      emptyEmbeddedFolder(earlier);
      const init = await runCli(['init', '--first-name', 'Ada', '--last-name', 'Lovelace', '--email', 'ada@epic.events', '--password-stdin'], {
        env: embedded({ EPICEVENTS_DATA_DIR: earlier }),
        stdin: `${TEST_PASSWORD}\n`,
        timeoutMs: EMBEDDED_TIMEOUT_MS,
      });
      expect(init.code).toBe(0);
      const elsewhere = embedded({ EPICEVENTS_HOME: home, XDG_DATA_HOME: dataHome() });
      const refused = await login(elsewhere);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`an earlier version kept it in ${earlier}: set EPICEVENTS_DATA_DIR=${earlier} to use that one`);
      expect((await login({ ...elsewhere, EPICEVENTS_DATA_DIR: earlier })).code).toBe(0);
    },
    EMBEDDED_TIMEOUT_MS,
  );

  it(
    'should open a data folder that is a symbolic link to the database',
    async () => {
      const dataHome = folder();
      fs.mkdirSync(path.join(dataHome, 'epicevents'), { mode: 0o700 });
      fs.symlinkSync(path.join(shared, 'epicevents', 'data'), path.join(dataHome, 'epicevents', 'data'));
      const env = embedded({ XDG_DATA_HOME: dataHome });
      const result = await login(env);
      expect(result.stderr).not.toMatch(/object Object|unexpected/);
      expect(result.code).toBe(0);
      const list = await runCli(['employee', 'list', '--json'], { env, timeoutMs: EMBEDDED_TIMEOUT_MS });
      expect(list.code).toBe(0);
      expect(list.json<{ email: string }[]>().map((e) => e.email)).toEqual(['ada@epic.events']);
    },
    EMBEDDED_TIMEOUT_MS,
  );
});
