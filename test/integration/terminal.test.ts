import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { startInTerminal, tmuxAvailable } from '../support/terminal';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

/** Prompts in a real pseudo-terminal: they appear, the answers are taken, the record is written. */
if (process.env.CI && !tmuxAvailable) throw new Error('CI must have tmux for the terminal tests');
const withTerminal = tmuxAvailable ? describe : describe.skip;

withTerminal('on a real terminal', () => {
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

  it('should ask for every missing field of `client create`, re-ask after a bad answer, and write the client', async () => {
    const tty = await startInTerminal(['client', 'create', '--company', 'Cool Startup LLC'], sales.env);
    try {
      await tty.waitFor(/full name/i);
      tty.send('Kevin Casey', 'Enter');
      await tty.waitFor(/email/i);
      tty.send('not-an-email', 'Enter');
      await tty.waitFor(/valid email/i);
      for (let i = 0; i < 'not-an-email'.length; i += 1) tty.send('BSpace');
      tty.send('kevin@startup.io', 'Enter');
      await tty.waitFor(/phone/i);
      tty.send('06 12 34 56 78', 'Enter');
      expect(await tty.exitCode()).toBe(0);
      expect(await tty.waitFor(/kevin@startup\.io/)).not.toMatch(/error/);
    } finally {
      tty.close();
    }
    const rows = await db.query('SELECT full_name, email, phone, company_name, sales_contact_id FROM clients');
    expect(rows).toEqual([{ full_name: 'Kevin Casey', email: 'kevin@startup.io', phone: '+33612345678', company_name: 'Cool Startup LLC', sales_contact_id: salesId }]);
  });

  it('should refuse `init` on a database in use before asking anything', async () => {
    const tty = await startInTerminal(['init'], userFor(db, 'eve@epic.events').env);
    try {
      const screen = await tty.waitFor(/already initialised/);
      expect(screen).not.toMatch(/First name/);
      expect(await tty.exitCode()).toBe(6);
    } finally {
      tty.close();
    }
  });

  it('should say there is no client yet, rather than fail, when `contract create` has no client to offer', async () => {
    const empty = await createTestDatabase();
    try {
      const boss = await initManager(empty);
      const tty = await startInTerminal(['contract', 'create'], boss.env);
      try {
        const screen = await tty.waitFor(/no client to write a contract for/);
        expect(screen).not.toMatch(/unexpected|bug/);
        expect(await tty.exitCode()).toBe(5);
      } finally {
        tty.close();
      }
    } finally {
      await empty.close();
    }
  });

  it('should offer the active SUPPORT employees as a list for `event update --support` and assign the one picked', async () => {
    const first = await insertEmployee(db, { role: 'SUPPORT', firstName: 'Aline', lastName: 'First', email: 'aline@epic.events' });
    const second = await insertEmployee(db, { role: 'SUPPORT', firstName: 'Kate', lastName: 'Hastings', email: 'kate@epic.events' });
    await insertEmployee(db, { role: 'SUPPORT', firstName: 'Gone', lastName: 'Away', email: 'gone@epic.events', isActive: false });
    const client = await insertClient(db, { salesContactId: salesId });
    const contract = await insertContract(db, { clientId: client.id, salesContactId: salesId, isSigned: true });
    const event = await insertEvent(db, { contractId: contract.id });

    const tty = await startInTerminal(['event', 'update', String(event.id), '--support'], manager.env);
    try {
      const screen = await tty.waitFor(/Kate Hastings/);
      expect(screen).toMatch(/Aline First/);
      expect(screen).not.toMatch(/Gone Away/);
      const lines = screen.split('\n');
      const down = lines.findIndex((l) => /Kate Hastings/.test(l)) - lines.findIndex((l) => /Aline First/.test(l));
      for (let i = 0; i < down; i += 1) tty.send('Down');
      tty.send('Enter');
      expect(await tty.exitCode()).toBe(0);
    } finally {
      tty.close();
    }
    const [row] = await db.query<{ support_contact_id: number }>('SELECT support_contact_id FROM events WHERE id = $1', [event.id]);
    expect(row.support_contact_id).toBe(second.id);
    expect(first.id).not.toBe(second.id);
  });
});
