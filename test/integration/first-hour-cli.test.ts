import { runCli } from '../support/cli';
import { FACTORY_PASSWORD, insertEmployee } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

/** What a new user tries in the first minutes: the bare command, the version, help, a lock, long texts. */
describe('help and version', () => {
  it('should print the help on stdout and exit 0 for `epicevents` alone, and a noun\'s help for a noun alone', async () => {
    const bare = await runCli([]);
    expect([bare.code, bare.stderr]).toEqual([0, '']);
    expect(bare.stdout).toMatch(/^Usage: epicevents \[options\] \[command\]/);
    const noun = await runCli(['client']);
    expect([noun.code, noun.stderr]).toEqual([0, '']);
    expect(noun.stdout).toMatch(/^Usage: epicevents client/);
  });

  it('should still refuse an unknown command with exit 2', async () => {
    const result = await runCli(['bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'bogus'/);
  });

  it.each([[['version']], [['-v']], [['--version']]])('should print the version for `epicevents %s` and exit 0', async (args) => {
    const result = await runCli(args);
    expect([result.code, result.stdout, result.stderr]).toEqual([0, `${version}\n`, '']);
  });

  it('should give the version as JSON with `version --json`', async () => {
    expect((await runCli(['version', '--json'])).json()).toEqual({ version });
  });

  it('should list the global options once, in the root help, and point there from a command\'s help', async () => {
    const root = (await runCli(['--help'])).stdout;
    expect(root.match(/--json +print one JSON document/g)).toHaveLength(1);
    expect(root).toMatch(/-y, --yes/);
    const command = await runCli(['client', 'list', '--help']);
    expect(command.code).toBe(0);
    expect(command.stdout).not.toMatch(/--json +print/);
    expect(command.stdout).not.toMatch(/--no-color +plain/);
    expect(command.stdout).toMatch(/Global options \(--json, --no-color, -y\/--yes\): see `epicevents --help`/);
  });
});

describe('records in full', () => {
  let db: TestDatabase;
  let manager: TestUser;
  let sales: TestUser;
  let salesId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    manager = await initManager(db);
    salesId = (await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events', firstName: 'Bill', lastName: 'Boquet' })).id;
    sales = userFor(db, 'bill@epic.events');
    await login(sales, FACTORY_PASSWORD);
  });
  afterAll(async () => db.close());

  it('should show a lock in force in `employee show`, with when it ends, and no lock once it has ended', async () => {
    const locked = await insertEmployee(db, { role: 'SUPPORT', email: 'locked@epic.events' });
    const until = new Date(Date.now() + 10 * 60_000);
    await db.query('UPDATE employees SET failed_login_count = 5, locked_until = $2 WHERE id = $1', [locked.id, until]);
    const shown = await manager.run(['employee', 'show', String(locked.id)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^locked +yes, until \d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d \(too many wrong/m);
    expect((await manager.run(['employee', 'show', String(locked.id), '--json'])).json()).toMatchObject({ lockedUntil: until.toISOString() });

    await db.query('UPDATE employees SET locked_until = $2 WHERE id = $1', [locked.id, new Date(Date.now() - 60_000)]);
    expect((await manager.run(['employee', 'show', String(locked.id)])).stdout).toMatch(/^locked +no$/m);
    expect((await manager.run(['employee', 'show', String(locked.id), '--json'])).json()).toMatchObject({ lockedUntil: null });
  });

  it('should show one notification whole with `notification show`, and only the caller\'s own (exit 5 otherwise)', async () => {
    const text = `Client 12 was handed over to you by Ada Lovelace, ${'with every contract and its payments '.repeat(6)}end.`;
    const [mine] = await db.query<{ id: number }>(`INSERT INTO notifications (recipient_id, kind, message, entity_type, entity_id) VALUES ($1, 'client_assigned', $2, 'client', 12) RETURNING id`, [salesId, text]);
    const shown = await sales.run(['notification', 'show', String(mine.id)], { env: { COLUMNS: '80' } });
    expect(shown.code).toBe(0);
    expect(shown.stdout.replace(/\s+/g, ' ')).toContain(text.replace(/\s+/g, ' ').trim());
    expect(shown.stdout).toMatch(/^read +no/m);
    expect((await sales.run(['notification', 'show', String(mine.id), '--json'])).json()).toMatchObject({ id: mine.id, message: text, isRead: false });
    const notMine = await manager.run(['notification', 'show', String(mine.id)]);
    expect([notMine.code, notMine.stderr]).toEqual([5, `error: notification ${mine.id} not found\n`]);
  });

  it('should show one audit entry with one line per changed field with `audit show`, to MANAGEMENT only', async () => {
    const long = `${'A very long company name that a list would cut '.repeat(3)}Inc.`;
    const [entry] = await db.query<{ id: string }>(
      `INSERT INTO audit_log (actor_id, actor_label, action, entity_type, entity_id, changes) VALUES ($1, 'Bill Boquet <bill@epic.events>', 'client.update', 'client', 12, $2) RETURNING id`,
      [salesId, JSON.stringify({ companyName: { before: 'Cool Startup LLC', after: long }, phone: { before: '+33612345678', after: '+33698765432' } })],
    );
    const shown = await manager.run(['audit', 'show', entry.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^action +client\.update$/m);
    expect(shown.stdout).toMatch(/^phone +\+33612345678 → \+33698765432$/m);
    expect(shown.stdout.replace(/\s+/g, ' ')).toContain(`companyName Cool Startup LLC → ${long}`.replace(/\s+/g, ' ').trim());
    expect((await manager.run(['audit', 'show', entry.id, '--json'])).json()).toMatchObject({ id: Number(entry.id), action: 'client.update', entityId: 12 });
    expect((await manager.run(['audit', 'show', '99999999'])).code).toBe(5);
    expect((await sales.run(['audit', 'show', entry.id])).code).toBe(4);
  });
});

describe('one way to say things', () => {
  let db: TestDatabase;
  let manager: TestUser;
  let sales: TestUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    manager = await initManager(db);
    await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events', firstName: 'Bill', lastName: 'Boquet' });
    sales = userFor(db, 'bill@epic.events');
    await login(sales, FACTORY_PASSWORD);
  });
  afterAll(async () => db.close());

  it('should take --password-stdin for `password change`, as every other command does, and name it when it is missing', async () => {
    const missing = await sales.run(['password', 'change']);
    expect([missing.code, missing.stderr]).toEqual([2, 'error: missing --password-stdin (pipe the current and the new password, one per line, when not running on a terminal)\n']);
    const changed = await sales.run(['password', 'change', '--password-stdin'], { stdin: `${FACTORY_PASSWORD}\nA-much-better-passphrase-42\n` });
    expect(changed.code).toBe(0);
    expect((await sales.run(['password', 'change', '--stdin'], { stdin: 'A-much-better-passphrase-42\nAn-even-better-passphrase-43\n' })).code).toBe(0);
  });

  it('should say "pass it as a flag" for one missing flag and "pass them as flags" for several', async () => {
    expect((await sales.run(['login', '--email', 'bill@epic.events'])).stderr).toBe('error: missing --password-stdin (pass it as a flag when not running on a terminal)\n');
    expect((await sales.run(['login'])).stderr).toBe('error: missing --email, --password-stdin (pass them as flags when not running on a terminal)\n');
  });

  it('should take back an amount as `report` prints it (12,500.00), and refuse a decimal comma (exit 2, nothing written)', async () => {
    const client = await sales.run(['client', 'create', '--full-name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '+33612345678', '--company', 'Cool Startup LLC', '--json']);
    const clientId = String(client.json<{ id: number }>().id);
    const created = await manager.run(['contract', 'create', '--client', clientId, '--total', '12,500.00', '--json']);
    expect(created.code).toBe(0);
    expect(created.json()).toMatchObject({ totalAmount: '12500.00' });
    const refused = await manager.run(['contract', 'create', '--client', clientId, '--total', '12,50']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --total must be an amount like 1500, 1500\.50 or 12,500\.00/);
    expect(await db.query('SELECT total_amount FROM contracts')).toHaveLength(1);
  });

  it('should word every write the same way, verb first, and show ids as #N', async () => {
    const [client] = await db.query<{ id: number }>('SELECT id FROM clients');
    const created = await manager.run(['contract', 'create', '--client', String(client.id), '--total', '900']);
    expect(created.stdout).toMatch(/^created contract \d+$/m);
    expect(created.stdout).toMatch(new RegExp(`^client +Kevin Casey #${client.id}$`, 'm'));
    expect((await sales.run(['client', 'show', String(client.id)])).stdout).toMatch(/^sales contact +Bill Boquet #\d+$/m);
  });
});
