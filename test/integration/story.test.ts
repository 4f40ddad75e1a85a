import { type CliResult } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

/**
 * The reference story (Kevin Casey's wedding, from the client to its support), end to end through the real binary, each person with their own session:
 * a manager hires a salesperson and a support person; sales finds a client; management writes the
 * contract; sales signs it, records a payment and creates the event; management finds it with
 * --no-support and assigns support; support finds it with --mine and updates the notes. At every
 * step, the roles the matrix forbids are refused (exit 4) and nothing changes.
 */
let db: TestDatabase;
let ada: TestUser; // MANAGEMENT
let bill: TestUser; // SALES
let kate: TestUser; // SUPPORT

async function ok(user: TestUser, args: string[], stdin?: string): Promise<CliResult> {
  const result = await user.run([...args, '--json'], { stdin });
  expect({ args, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ args, code: 0, stderr: '' });
  return result;
}

/** The others try the same step and are refused, leaving the database as it was. */
async function refusedFor(users: TestUser[], args: string[]): Promise<void> {
  const before = await fingerprint();
  for (const user of users) {
    const result = await user.run(args);
    expect({ who: user.email, args, code: result.code }).toEqual({ who: user.email, args, code: 4 });
    expect(result.stderr).toMatch(/^error: permission denied/);
  }
  expect(await fingerprint()).toEqual(before);
}

async function fingerprint(): Promise<unknown> {
  const [row] = await db.query(`
    SELECT (SELECT json_agg(c ORDER BY id) FROM clients c) AS clients,
           (SELECT json_agg(k ORDER BY id) FROM contracts k) AS contracts,
           (SELECT json_agg(e ORDER BY id) FROM events e) AS events,
           (SELECT count(*) FROM audit_log) AS audit`);
  return row;
}

async function hire(first: string, last: string, email: string, role: string): Promise<TestUser> {
  const created = (await ok(ada, ['employee', 'create', '--first-name', first, '--last-name', last, '--email', email, '--role', role])).json<{ oneTimePassword: string }>();
  const user = userFor(db, email);
  await login(user, created.oneTimePassword);
  await ok(user, ['password', 'change', '--stdin'], `${created.oneTimePassword}\nA-fresh-passphrase-for-${first}\n`);
  return user;
}

beforeAll(async () => {
  db = await createTestDatabase();
  ada = await initManager(db);
});
afterAll(async () => db.close());

// Dozens of commands and database snapshots: seconds on a server, up to two minutes on the
// embedded engine (a second or so per process) when the machine is busy.
it('should run the reference story from the terminal, refusing every role the matrix forbids', async () => {
  bill = await hire('Bill', 'Boquet', 'bill@epic.events', 'SALES');
  kate = await hire('Kate', 'Hastings', 'kate@epic.events', 'SUPPORT');
  await refusedFor([bill, kate], ['employee', 'create', '--first-name', 'X', '--last-name', 'Y', '--email', 'x@epic.events', '--role', 'SALES']);

  const clientArgs = ['client', 'create', '--full-name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '+33 6 12 34 56 78', '--company', 'Cool Startup LLC'];
  await refusedFor([ada, kate], clientArgs);
  const client = (await ok(bill, clientArgs)).json<{ id: number; salesContactName: string; phone: string }>();
  expect(client).toMatchObject({ salesContactName: 'Bill Boquet', phone: '+33612345678' });

  const contractArgs = ['contract', 'create', '--client', String(client.id), '--total', '12000', '--amount-due', '12000'];
  await refusedFor([bill, kate], contractArgs);
  const contract = (await ok(ada, contractArgs)).json<{ id: number; isSigned: boolean; amountDue: string }>();
  expect(contract).toMatchObject({ isSigned: false, amountDue: '12000.00' });
  const contractId = String(contract.id);

  await refusedFor([kate], ['contract', 'sign', contractId]);
  expect((await ok(bill, ['contract', 'sign', contractId])).json()).toMatchObject({ isSigned: true });
  await refusedFor([kate], ['contract', 'pay', contractId, '--amount', '100']);
  expect((await ok(bill, ['contract', 'pay', contractId, '--amount', '4000.50'])).json()).toMatchObject({ amountDue: '7999.50' });

  const eventArgs = [
    'event', 'create', '--contract', contractId, '--name', 'John Quick Wedding', '--start', '2031-06-04T13:00+02:00', '--end', '2031-06-05T02:00+02:00',
    '--location', '53 Rue du Château, 41120 Candé-sur-Beuvron, France', '--attendees', '75',
    '--notes', 'Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM. Kate needs to organize the DJ for after party.',
  ];
  await refusedFor([ada, kate], eventArgs);
  const event = (await ok(bill, eventArgs)).json<{ id: number; clientName: string; clientEmail: string; clientPhone: string; startAt: string; supportContactId: number | null }>();
  expect(event).toMatchObject({
    clientName: 'Kevin Casey',
    clientEmail: 'kevin@startup.io',
    clientPhone: '+33612345678',
    startAt: '2031-06-04T11:00:00.000Z',
    supportContactId: null,
  });
  const eventId = String(event.id);

  const unassigned = (await ok(ada, ['event', 'list', '--no-support'])).json<{ id: number }[]>();
  expect(unassigned.map((e) => e.id)).toEqual([event.id]);
  const kateId = (await ok(kate, ['whoami'])).json<{ id: number }>().id;
  await refusedFor([bill, kate], ['event', 'update', eventId, '--support', String(kateId)]);
  expect((await ok(ada, ['event', 'update', eventId, '--support', String(kateId)])).json()).toMatchObject({ supportContactId: kateId, supportContactName: 'Kate Hastings' });
  expect((await ok(ada, ['event', 'list', '--no-support'])).json()).toEqual([]);

  const mine = (await ok(kate, ['event', 'list', '--mine'])).json<{ id: number }[]>();
  expect(mine.map((e) => e.id)).toEqual([event.id]);
  await refusedFor([bill], ['event', 'update', eventId, '--notes', 'DJ booked']);
  expect((await ok(kate, ['event', 'update', eventId, '--notes', 'DJ booked for 11PM'])).json()).toMatchObject({ notes: 'DJ booked for 11PM' });
  await refusedFor([kate], ['event', 'update', eventId, '--support', 'none']);

  await refusedFor([bill, kate], ['event', 'delete', eventId, '--yes']);
  await refusedFor([bill, kate], ['client', 'delete', String(client.id), '--yes']);
  await refusedFor([bill, kate], ['audit', 'list']);
  const trail = (await ok(ada, ['audit', 'list', '--entity', `event:${eventId}`])).json<{ action: string }[]>();
  expect(trail.map((t) => t.action)).toEqual(['event.update', 'event.assign-support', 'event.create']);
}, 300_000);
