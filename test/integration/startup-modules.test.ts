import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, runCommandsAsProcesses } from '../support/cli';
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

/** The files the command loaded as modules. */
async function filesLoaded(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-modules-')), 'modules.txt');
  const result = await runCli(args, { env: { ...env, NODE_OPTIONS: `--require "${PRELOAD}"`, EPICEVENTS_MODULE_LOG: log } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const files = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(log), { recursive: true, force: true });
  return files;
}

/**
 * The packages under node_modules that the command loaded. The per-file build (EPICEVENTS_BUNDLE=off)
 * shows what each command imports; the bundle the binary normally runs is made from the same
 * imports and keeps them lazy (docs/performance.md).
 */
async function packagesLoaded(args: string[], env: Record<string, string> = {}): Promise<Set<string>> {
  const packages = new Set<string>();
  for (const file of await filesLoaded(args, { ...env, EPICEVENTS_BUNDLE: 'off' })) {
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
    if (match) packages.add(match[1].replace(/\\/g, '/'));
  }
  return packages;
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

      const DATABASE_AND_KEYS = ['typeorm', 'pg', 'typeorm-pglite', 'jsonwebtoken', 'reflect-metadata'];

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
