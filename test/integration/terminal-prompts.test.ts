import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { startInTerminal, type TerminalSession, tmuxAvailable } from '../support/terminal';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

/**
 * Stored names shown by a prompt (pickers, delete confirmations) reach a real terminal through the
 * same neutralising function as tables: the bytes the command writes to the pseudo-terminal hold
 * none of the stored escape sequences, only their visible form.
 */
if (process.env.CI && !tmuxAvailable) throw new Error('CI must have tmux for the terminal tests');
const withTerminal = tmuxAvailable ? describe : describe.skip;

/** An OSC that retitles the window, a BEL, a CSI colour, a C1 CSI, a zero-width space and a line separator. */
const HOSTILE = 'Evil\x1b]0;PWNED\x07\x1b[38;5;196mRed\u009b2J\u200bZ\u2028W';
/** What must never be in the raw output, each as the bytes a terminal would act on. */
const FORBIDDEN: [string, Buffer][] = [
  ['ESC ] (OSC)', Buffer.from('\x1b]', 'latin1')],
  ['BEL', Buffer.from('\x07', 'latin1')],
  ['the stored CSI colour', Buffer.from('\x1b[38;5;196m', 'latin1')],
  ['C1 CSI U+009B', Buffer.from('\u009b', 'utf8')],
  ['zero-width space', Buffer.from('\u200b', 'utf8')],
  ['line separator', Buffer.from('\u2028', 'utf8')],
];
const VISIBLE = 'Evil\\u{1b}]0;PWNED\\u{7}\\u{1b}[38;5;196mRed\\u{9b}2J\\u{200b}Z\\u{2028}W';

function forbiddenIn(raw: Buffer): string[] {
  return FORBIDDEN.filter(([, bytes]) => raw.includes(bytes)).map(([name]) => name);
}

withTerminal('stored text in prompts on a real terminal', () => {
  let db: TestDatabase;
  let manager: TestUser;
  let sales: TestUser;
  let contractId: number;
  let eventId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    manager = await initManager(db);
    const seller = await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events' });
    sales = userFor(db, 'bill@epic.events');
    await login(sales, FACTORY_PASSWORD);
    await insertEmployee(db, { role: 'SUPPORT', email: 'kate@epic.events', firstName: HOSTILE, lastName: 'Hastings' });
    const client = await insertClient(db, { salesContactId: seller.id, fullName: HOSTILE, companyName: HOSTILE });
    contractId = (await insertContract(db, { clientId: client.id, salesContactId: seller.id, isSigned: true })).id;
    eventId = (await insertEvent(db, { contractId, name: HOSTILE })).id;
  });
  afterAll(async () => db.close());

  /** Runs a prompt, checks what it shows, answers it; returns every byte written to the terminal. */
  async function prompt(
    args: string[],
    user: TestUser,
    question: RegExp,
    answer: (tty: TerminalSession) => Promise<void>,
    expectedExit: number,
    lastWords: string,
  ): Promise<Buffer> {
    const tty = await startInTerminal(args, user.env);
    try {
      await tty.waitFor(question);
      await answer(tty);
      expect(await tty.exitCode()).toBe(expectedExit);
      return await tty.waitForRaw(lastWords);
    } finally {
      tty.close();
    }
  }

  const pickFirst = async (tty: TerminalSession) => tty.send('Enter');
  it.each([
    ['the client picker of `contract create`', () => ['contract', 'create', '--total', '100'], () => manager, /Client \(type/, pickFirst, 0, 'created contract'],
    [
      'the contract picker of `event create`',
      () => ['event', 'create', '--name', 'Launch'],
      () => sales,
      /Signed contract/,
      async (tty: TerminalSession) => {
        await pickFirst(tty);
        await tty.waitFor(/Start/);
        tty.send('C-c'); // the picked contract has been echoed; nothing needs writing
      },
      130,
      'cancelled',
    ],
    ['the support picker of `event update --support`', () => ['event', 'update', String(eventId), '--support'], () => manager, /Support person/, pickFirst, 0, 'updated event'],
  ])('should show stored names only neutralised in %s, the chosen answer included', async (_prompt, args, user, question, answer, exit, lastWords) => {
    const raw = await prompt(args(), user(), question, answer, exit, lastWords);
    expect(forbiddenIn(raw)).toEqual([]);
    expect(raw.toString('utf8')).toContain(VISIBLE);
  });

  it.each([
    ['`contract delete`', () => ['contract', 'delete', String(contractId)]],
    ['`event delete`', () => ['event', 'delete', String(eventId)]],
  ])('should show stored names only neutralised in the confirmation of %s', async (_prompt, args) => {
    const raw = await prompt(args(), manager, /\(y\/N\)/, async (tty) => tty.send('Enter'), 0, 'nothing deleted');
    expect(forbiddenIn(raw)).toEqual([]);
    expect(raw.toString('utf8')).toContain(VISIBLE);
  });
});
