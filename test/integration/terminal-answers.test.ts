import { snapshot } from '../support/assertions';
import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { startInTerminal, type TerminalSession, tmuxAvailable } from '../support/terminal';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

/**
 * How a person ends a prompt on a real terminal: Ctrl-D (end of input) cancels like Ctrl-C
 * (exit 130, nothing written); "no" at a delete confirmation is an answer, not a failure (exit 0,
 * "nothing deleted").
 */
if (process.env.CI && !tmuxAvailable) throw new Error('CI must have tmux for the terminal tests');
const withTerminal = tmuxAvailable ? describe : describe.skip;

withTerminal('ending a prompt on a real terminal', () => {
  let db: TestDatabase;
  let manager: TestUser;
  let sales: TestUser;
  let clientId: number;
  let eventId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    manager = await initManager(db);
    const seller = await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events', firstName: 'Bill', lastName: 'Boquet' });
    sales = userFor(db, 'bill@epic.events');
    await login(sales, FACTORY_PASSWORD);
    await insertEmployee(db, { role: 'SUPPORT', email: 'kate@epic.events', firstName: 'Kate', lastName: 'Hastings' });
    clientId = (await insertClient(db, { salesContactId: seller.id, fullName: 'Kevin Casey', companyName: 'Cool Startup LLC' })).id;
    const contract = await insertContract(db, { clientId, salesContactId: seller.id, isSigned: true });
    eventId = (await insertEvent(db, { contractId: contract.id })).id;
  });
  afterAll(async () => db.close());

  /** Runs `args` on a terminal, waits for `question`, answers; the exit code and the last screen. */
  async function answer(args: string[], user: TestUser, question: RegExp, keys: (tty: TerminalSession) => Promise<void> | void): Promise<{ code: number; screen: string }> {
    const tty = await startInTerminal(args, user.env);
    try {
      await tty.waitFor(question);
      await keys(tty);
      const code = await tty.exitCode();
      return { code, screen: await tty.waitFor(/\S/) };
    } finally {
      tty.close();
    }
  }

  it.each([
    ['the client picker of `contract create`', () => ['contract', 'create', '--total', '100'], () => manager, /Client \(type/],
    ['the support picker of `event update --support`', () => ['event', 'update', String(eventId), '--support'], () => manager, /Support person/],
    ['the first question of `client create`', () => ['client', 'create', '--company', 'Cool Startup LLC'], () => sales, /Full name/],
  ])('should cancel with exit 130 and write nothing on Ctrl-D at %s', async (_prompt, args, user, question) => {
    const before = await snapshot(db);
    const { code, screen } = await answer(args(), user(), question, (tty) => tty.send('C-d'));
    expect(code).toBe(130);
    expect(screen).toMatch(/cancelled/);
    expect(await snapshot(db)).toEqual(before);
  });

  it('should take Ctrl-D inside typed text as "delete the next character", not as the end of input', async () => {
    const { code } = await answer(['client', 'create', '--company', 'Cool Startup LLC'], sales, /Full name/, async (tty) => {
      tty.send('Ann Xlee', 'Left', 'Left', 'Left', 'Left', 'C-d', 'Enter');
      await tty.waitFor(/Email/);
      tty.send('ann@lee.io', 'Enter');
      await tty.waitFor(/Phone/);
      tty.send('06 12 34 56 78', 'Enter');
    });
    expect(code).toBe(0);
    expect(await db.query("SELECT full_name FROM clients WHERE email = 'ann@lee.io'")).toEqual([{ full_name: 'Ann lee' }]);
  });

  it('should refuse text typed in another encoding at the prompt (a Latin-1 byte), ask again, and store what is typed next', async () => {
    const { code } = await answer(['client', 'create', '--company', 'Cool Startup LLC'], sales, /Full name/, async (tty) => {
      tty.send('Ch', 'hex:e9', 'teau Lee', 'Enter');
      await tty.waitFor(/not valid UTF-8 text/);
      tty.send('C-u', 'Ann Château', 'Enter');
      await tty.waitFor(/Email/);
      tty.send('ann@chateau.io', 'Enter');
      await tty.waitFor(/Phone/);
      tty.send('06 12 34 56 79', 'Enter');
    });
    expect(code).toBe(0);
    expect(await db.query("SELECT full_name FROM clients WHERE email = 'ann@chateau.io'")).toEqual([{ full_name: 'Ann Château' }]);
  });

  it('should name the client in the delete confirmation, and on a no say "nothing deleted", exit 0 and keep it', async () => {
    const { code, screen } = await answer(['client', 'delete', String(clientId)], manager, /\(y\/N\)/, (tty) => tty.send('n', 'Enter'));
    const oneLine = screen.replace(/\s*\n\s*/g, ' ');
    expect(oneLine).toMatch(new RegExp(`Delete client ${clientId}, Kevin Casey of Cool Startup LLC\\? This cannot be undone`));
    expect(oneLine).toMatch(/nothing deleted/);
    expect(oneLine).not.toMatch(/error|cancelled/);
    expect(code).toBe(0);
    expect(await db.query('SELECT id FROM clients WHERE id = $1', [clientId])).toHaveLength(1);
  });

  it('should still refuse a delete without --yes off a terminal (exit 2)', async () => {
    const result = await manager.run(['client', 'delete', String(clientId)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--yes is required/);
    expect(await db.query('SELECT id FROM clients WHERE id = $1', [clientId])).toHaveLength(1);
  });
});
