import { snapshot } from '../support/assertions';
import { insertClient, insertContract } from '../support/factories';
import { startServer } from '../support/server';
import { startInTerminal, type TerminalSession, tmuxAvailable } from '../support/terminal';
import { createTestDatabase, NOWHERE_DATABASE_URL, type TestDatabase } from '../support/test-database';
import { initManager, loggedIn, login, type TestUser, userFor } from '../support/users';

/**
 * Pickers and answers on a real terminal: the client picker searches the whole table as the user
 * types (not only the newest clients), and each answer is checked when it is typed (its own rule,
 * then the rules it shares with values already known) and asked again, so nothing typed is lost.
 */
if (process.env.CI && !tmuxAvailable) throw new Error('CI must have tmux for the terminal tests');
const withTerminal = tmuxAvailable ? describe : describe.skip;

/** More clients than the picker shows before anything is typed. */
const CLIENTS = 30;

withTerminal('pickers and answers on a real terminal', () => {
  let db: TestDatabase;
  let manager: TestUser;
  let sales: TestUser & { id: number };
  let needleId: number;
  let contractId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    manager = await initManager(db);
    sales = await loggedIn(db, 'SALES', 'bill@epic.events', { firstName: 'Bill', lastName: 'Boquet' });
    const needle = await insertClient(db, { salesContactId: sales.id, fullName: 'Zoe Needlework', companyName: 'Haystack SARL' });
    needleId = needle.id;
    for (let i = 0; i < CLIENTS; i += 1) await insertClient(db, { salesContactId: sales.id, fullName: `Recent Client ${i}` });
    // The oldest update of all: not among the clients shown before anything is typed.
    await db.query(`UPDATE clients SET updated_at = now() - interval '1 year' WHERE id = $1`, [needle.id]);
    contractId = (await insertContract(db, { clientId: needle.id, salesContactId: sales.id, isSigned: true })).id;
  });
  afterAll(async () => db.close());

  async function inTerminal<T>(args: string[], user: TestUser, drive: (tty: TerminalSession) => Promise<T>): Promise<T> {
    const tty = await startInTerminal(args, user.env);
    try {
      return await drive(tty);
    } finally {
      tty.close();
    }
  }

  const contractIds = async () => (await db.query<{ id: number }>('SELECT id FROM contracts')).map((row) => row.id);

  /** The client of the one contract written since `before` (the contracts' ids then). */
  async function newContractClient(before: number[]): Promise<number> {
    const rows = await db.query<{ client_id: number }>('SELECT client_id FROM contracts WHERE NOT (id = ANY($1::int[]))', [before]);
    expect(rows).toHaveLength(1);
    return rows[0].client_id;
  }

  /** `contract create` on a terminal, picking the client typed as `text`. */
  async function typeAtPicker(user: TestUser, text: string): Promise<void> {
    await inTerminal(['contract', 'create', '--total', '100'], user, async (tty) => {
      const first = await tty.waitFor(/Recent Client/);
      expect(first).not.toMatch(/Needlework/);
      tty.send(text);
      const found = await tty.waitFor(/Zoe Needlework \(Haystack SARL\)/);
      expect(found).not.toMatch(/Recent Client/);
      tty.send('Enter');
      expect(await tty.exitCode()).toBe(0);
    });
  }

  /** `contract create` picking the client typed as `text`; the new contract's client. */
  async function pickByTyping(user: TestUser, text: string): Promise<number> {
    const before = await contractIds();
    await typeAtPicker(user, text);
    return newContractClient(before);
  }

  it('should find by typing a client that is not among the most recently updated ones, and write the contract for it', async () => {
    expect(await pickByTyping(manager, 'needle')).toBe(needleId);
  });

  it('should find a client by its id typed at the picker', async () => {
    expect(await pickByTyping(manager, `#${needleId}`)).toBe(needleId);
  });

  it('should find the client through a real server in server mode, with the same keys', async () => {
    // On the embedded engine the server holds the folder while it runs: the test reads the
    // database before the server starts and after it stops.
    const before = await contractIds();
    const server = await startServer(db);
    try {
      const remote = { ...db, env: { EPICEVENTS_SERVER: server.url, DATABASE_URL: NOWHERE_DATABASE_URL, EPICEVENTS_JWT_SECRET: '' } };
      const boss = userFor(remote, 'ada@epic.events');
      await login(boss);
      await typeAtPicker(boss, 'haystack');
    } finally {
      await server.stop();
    }
    expect(await newContractClient(before)).toBe(needleId);
  });

  it('should cancel with exit 130 and write nothing on Ctrl-D at the search picker', async () => {
    const before = await snapshot(db);
    const code = await inTerminal(['event', 'create', '--name', 'Launch'], sales, async (tty) => {
      await tty.waitFor(/Signed contract/);
      tty.send('C-d');
      return tty.exitCode();
    });
    expect(code).toBe(130);
    expect(await snapshot(db)).toEqual(before);
  });

  it('should ask again at once for an end before the start, name no flag, then create the event', async () => {
    const screen = await inTerminal(['event', 'create', '--contract', String(contractId), '--name', 'Spring Launch'], sales, async (tty) => {
      await tty.waitFor(/Start/);
      tty.send('2031-05-04 18:00', 'Enter');
      await tty.waitFor(/End/);
      tty.send('2031-05-04 17:00', 'Enter');
      const refused = await tty.waitFor(/end must be after start/);
      expect(refused).not.toMatch(/Location/);
      expect(refused).not.toMatch(/--end|--start/);
      for (let i = 0; i < '2031-05-04 17:00'.length; i += 1) tty.send('BSpace');
      tty.send('2031-05-04 23:00', 'Enter');
      await tty.waitFor(/Location/);
      tty.send('Bordeaux', 'Enter');
      await tty.waitFor(/attendees/);
      tty.send('forty', 'Enter');
      const wrong = await tty.waitFor(/attendees must be a whole number/);
      expect(wrong).not.toMatch(/--attendees/);
      for (let i = 0; i < 'forty'.length; i += 1) tty.send('BSpace');
      tty.send('40', 'Enter');
      expect(await tty.exitCode()).toBe(0);
      return tty.waitFor(/created event/);
    });
    expect(screen).not.toMatch(/error/i);
    const rows = await db.query('SELECT name, location, attendees, end_at > start_at AS ordered FROM events WHERE contract_id = $1', [contractId]);
    expect(rows).toEqual([{ name: 'Spring Launch', location: 'Bordeaux', attendees: 40, ordered: true }]);
  });

  it('should check a typed total against the amount due given as a flag at once, and ask again', async () => {
    await inTerminal(['contract', 'create', '--client', String(needleId), '--amount-due', '500'], manager, async (tty) => {
      await tty.waitFor(/Total amount/);
      tty.send('400', 'Enter');
      await tty.waitFor(/amount due 500\.00 cannot exceed the total amount 400\.00/);
      for (let i = 0; i < 3; i += 1) tty.send('BSpace');
      tty.send('1,500', 'Enter');
      expect(await tty.exitCode()).toBe(0);
    });
    const rows = await db.query("SELECT total_amount::text AS total, amount_due::text AS due FROM contracts WHERE amount_due = 500");
    expect(rows).toEqual([{ total: '1500.00', due: '500.00' }]);
  });

  it('should refuse a flag that breaks its rule before asking anything, naming the flag', async () => {
    await inTerminal(['event', 'create', '--contract', String(contractId), '--start', '2031-05-04 18:00', '--end', '2031-05-04 17:00'], sales, async (tty) => {
      const screen = await tty.waitFor(/--end must be after --start/);
      expect(screen).not.toMatch(/Event name/);
      expect(await tty.exitCode()).toBe(2);
    });
  });
});
