import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CliResult, runCli, runCommandsAsProcesses, tempHome } from '../support/cli';
import { FACTORY_PASSWORD, insertEmployee } from '../support/factories';
import { type RunningServer, startServer } from '../support/server';
import { createTestDatabase, NOWHERE_DATABASE_URL, serverUrl, type TestDatabase } from '../support/test-database';

// The subject is the process: which modules a process loads at start-up.
runCommandsAsProcesses();

/**
 * Start-up pays only for what a command uses (docs/performance.md): which modules a command loads is
 * deterministic, so it is asserted here; timings are only measured, by `npm run bench`.
 */

const PRELOAD = path.resolve(__dirname, '../../bench/loaded-modules.js');
const HEAVY = ['@sentry/node', 'inquirer', '@electric-sql/pglite', 'argon2', 'fastify', '@fastify/swagger', 'pino'];

/** The files the command loaded as modules, with what it printed and its exit code. */
async function runLoggingModules(args: string[], env: Record<string, string | undefined> = {}): Promise<{ files: string[]; result: CliResult }> {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-modules-')), 'modules.txt');
  const result = await runCli(args, { env: { ...env, NODE_OPTIONS: `--require "${PRELOAD}"`, EPICEVENTS_MODULE_LOG: log } });
  const files = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(log), { recursive: true, force: true });
  return { files, result };
}

/** The files a successful command loaded as modules. */
async function filesLoaded(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const { files, result } = await runLoggingModules(args, env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return files;
}

/** The packages under node_modules among `files`. */
function packagesOf(files: string[]): Set<string> {
  const packages = new Set<string>();
  for (const file of files) {
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
    if (match) packages.add(match[1].replace(/\\/g, '/'));
  }
  return packages;
}

/**
 * The packages under node_modules that the command loaded. The per-file build (EPICEVENTS_BUNDLE=off)
 * shows what each command imports; the bundle the binary normally runs is made from the same
 * imports and keeps them lazy (docs/performance.md).
 */
async function packagesLoaded(args: string[], env: Record<string, string> = {}): Promise<Set<string>> {
  return packagesOf(await filesLoaded(args, { ...env, EPICEVENTS_BUNDLE: 'off' }));
}

describe('modules loaded at start-up', () => {
  it('should run the bundle, not the per-file build, when the binary starts', async () => {
    const files = await filesLoaded(['--help']);
    expect(files).toContain(path.resolve(__dirname, '../../dist/bundle/epicevents.js'));
    expect(files.filter((file) => file.includes(`${path.sep}dist${path.sep}src${path.sep}`))).toEqual([]);
  });

  it.each([[['--help']], [['help', 'exit-codes']], [['client', '--help']], [['help', 'contract', 'create']], [['serve', '--help']]])(
    'should load commander and nothing heavier when %p runs',
    async (args) => {
      const packages = await packagesLoaded(args);
      expect(packages.has('commander')).toBe(true);
      for (const heavy of [...HEAVY, 'typeorm', 'pg', 'cli-table3', 'libphonenumber-js', 'jsonwebtoken']) expect(packages).not.toContain(heavy);
    },
  );

  // The flags are checked before the caller is looked up or a database opened (the runner's parse step).
  describe('a bad or missing flag', () => {
    let home: string;
    const dataDir = () => path.join(home, 'data');
    /** Embedded mode, logged out, on a data folder that does not exist yet: opening it would create it. */
    const embedded = () => ({ DATABASE_URL: undefined, EPICEVENTS_HOME: home, EPICEVENTS_DATA_DIR: dataDir(), EPICEVENTS_BUNDLE: 'off' });
    beforeEach(() => {
      home = tempHome();
    });
    afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

    it('should exit 2 naming the bad id, not 3 (not logged in), when a logged-out person runs `client show abc`', async () => {
      const { files, result } = await runLoggingModules(['client', 'show', 'abc'], embedded());
      expect(result.stderr.trim().split('\n')[0]).toBe('error: client id must be a positive whole number (got "abc")');
      expect(result.code).toBe(2);
      expect(fs.existsSync(dataDir())).toBe(false);
      for (const heavy of ['@electric-sql/pglite', 'typeorm', 'pg', 'jsonwebtoken']) expect(packagesOf(files)).not.toContain(heavy);
    });

    it('should exit 2 naming the bad id in server mode too, without asking the server', async () => {
      const result = await runCli(['event', 'update', '0', '--attendees', '3'], { env: { EPICEVENTS_HOME: home, EPICEVENTS_SERVER: 'http://127.0.0.1:9' } });
      expect(result.stderr.trim().split('\n')[0]).toBe('error: event id must be a positive whole number (got "0")');
      expect(result.code).toBe(2);
    });

    it('should exit 2 naming every missing flag without opening the embedded database (no PGlite loaded, no data folder made)', async () => {
      const { files, result } = await runLoggingModules(['client', 'create', '--full-name', 'Kevin Casey'], embedded());
      expect(result.stderr.trim().split('\n')[0]).toBe('error: missing --email, --phone, --company (pass them as flags when not running on a terminal)');
      expect(result.code).toBe(2);
      expect(fs.existsSync(dataDir())).toBe(false);
      for (const heavy of ['@electric-sql/pglite', 'typeorm', 'pg']) expect(packagesOf(files)).not.toContain(heavy);
    });

    it('should exit 2 on a malformed value, naming its flag as the service would, before anything opens', async () => {
      const args = ['client', 'create', '--full-name', 'Kevin Casey', '--email', 'kevin', '--phone', '0612345678', '--company', 'Cool Startup'];
      const { files, result } = await runLoggingModules(args, embedded());
      expect(result.stderr.trim().split('\n')[0]).toBe('error: --email must be a valid email address like name@example.com (got "kevin")');
      expect(result.code).toBe(2);
      expect(fs.existsSync(dataDir())).toBe(false);
      expect(packagesOf(files)).not.toContain('@electric-sql/pglite');
    });
  });

  // The embedded engine is PGlite itself: this check needs a server.
  (serverUrl() ? describe : describe.skip)('against a server', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.close();
    });

    it('should load TypeORM and pg but not Sentry, inquirer, PGlite, argon2 or Fastify when `db status` runs', async () => {
      const packages = await packagesLoaded(['db', 'status'], db.env);
      expect(packages).toContain('typeorm');
      expect(packages).toContain('pg');
      for (const heavy of HEAVY) expect(packages).not.toContain(heavy);
    });

    // Round trips before a command's own query: the session's tenant scope (once per connection:
    // which tenant, and the tenant role for a superuser, cannot be known before connecting), then
    // the schema check, the caller re-read and the reminders due in one statement; TypeORM does not
    // ask for what it is told.
    it('should send three statements for `client list` in direct mode: the tenant scope, the start check, then the list', async () => {
      const employee = await insertEmployee(db, { role: 'MANAGEMENT', email: 'round-trips@epic.events' });
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-round-trips-'));
      const env = { ...db.env, EPICEVENTS_HOME: home };
      const token = await runCli(['login', '--email', employee.email, '--password-stdin', '--print-token'], { env, stdin: `${FACTORY_PASSWORD}\n` });
      const log = path.join(home, 'queries.txt');
      const QUERY_LOG = path.resolve(__dirname, '../../bench/query-log.js');
      const result = await runCli(['client', 'list', '--json'], {
        env: { ...env, EPICEVENTS_TOKEN: token.stdout.trim(), EPICEVENTS_BUNDLE: 'off', NODE_OPTIONS: `--require "${QUERY_LOG}"`, EPICEVENTS_QUERY_LOG: log },
      });
      expect(result.code).toBe(0);
      const statements = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
      fs.rmSync(home, { recursive: true, force: true });
      expect(statements).toHaveLength(3);
      expect(statements[0]).toMatch(/^DO \$scope\$ .*tenant_by_slug\('default'\)/);
      expect(statements[1]).toMatch(/^SELECT ARRAY\(SELECT name FROM migrations\) AS applied, \(SELECT row_to_json\(c\).* AS caller, \(ARRAY\(SELECT e\.id FROM events e .* AS upcoming$/);
      // The clients page is plain SQL (not the query builder's aliases) since the server's CPU work.
      expect(statements[2]).toMatch(/FROM clients c JOIN employees o /);
    });

    // Server mode: the employee's machine holds no database and no key, and loads no code for them.
    describe('in server mode', () => {
      let server: RunningServer;
      let env: Record<string, string>;

      beforeAll(async () => {
        server = await startServer(db);
        await insertEmployee(db, { role: 'SALES', email: 'modules@epic.events' });
        const home = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-modules-home-'));
        env = { EPICEVENTS_HOME: home, EPICEVENTS_SERVER: server.url, DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' };
        const login = await runCli(['login', '--email', 'modules@epic.events', '--password-stdin'], { env, stdin: `${FACTORY_PASSWORD}\n` });
        if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
      });
      afterAll(async () => server?.stop());

      const DATABASE_AND_KEYS = ['typeorm', 'pg', 'jsonwebtoken', 'reflect-metadata'];

      it.each([[['whoami']], [['whoami', '--json']], [['client', 'list', '--json']], [['contract', 'list', '--unpaid', '--json']], [['event', 'list', '--mine', '--json']], [['notification', 'list']]])(
        'should load no database driver, ORM, PGlite, argon2 or token library when %p runs',
        async (args) => {
          const packages = await packagesLoaded(args, env);
          for (const heavy of [...HEAVY, ...DATABASE_AND_KEYS]) expect(packages).not.toContain(heavy);
        },
      );
    });
  });
});
