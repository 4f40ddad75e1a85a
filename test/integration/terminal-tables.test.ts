import { displayWidth } from '../../src/output/terminal-text';
import { insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { startInTerminal, tmuxAvailable } from '../support/terminal';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, type TestUser } from '../support/users';

/** Tables in a real terminal of 40 and 120 columns, with --wide, COLUMNS and the C locale. */
if (process.env.CI && !tmuxAvailable) throw new Error('CI must have tmux for the terminal tests');
const withTerminal = tmuxAvailable ? describe : describe.skip;

const LONG_EMAIL = 'siobhan.oconnor-whitfield@whitfield-weddings-and-galas.example.co.uk';
const UTF8 = { LANG: 'C.UTF-8' };

/** What the command wrote, as lines without colour codes: the width a line takes is what the terminal was told to draw. */
function linesOf(raw: Buffer): string[] {
  return raw
    .toString('utf8')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') // eslint-disable-line no-control-regex
    .split(/\r?\n/)
    .filter((line) => line !== '');
}

const tableLines = (lines: string[]) => lines.filter((line) => /^[│┌├└|+]/.test(line));

withTerminal('tables on a real terminal', () => {
  let db: TestDatabase;
  let manager: TestUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    manager = await initManager(db);
    const sales = await insertEmployee(db, { role: 'SALES', email: 'beatrice@epic.events', firstName: 'Béatrice', lastName: 'Vendeuse-Delacroix' });
    const support = await insertEmployee(db, { role: 'SUPPORT', email: 'kate@epic.events', firstName: 'Kate', lastName: 'Hastroff' });
    const clients = [
      await insertClient(db, { salesContactId: sales.id, fullName: 'Kevin Casey', email: 'kevin@startup.io', companyName: 'Cool Startup LLC' }),
      await insertClient(db, { salesContactId: sales.id, fullName: "Siobhán O'Connor-Whitfield", email: LONG_EMAIL, companyName: 'Whitfield Weddings & Galas Ltd' }),
      await insertClient(db, { salesContactId: sales.id, fullName: '山田太郎', email: 'yamada@epic-events-tokyo.example.jp', companyName: '株式会社エピックイベンツ東京' }),
    ];
    for (const [i, client] of clients.entries()) {
      // Within the next 30 days, so that the report has events, bars and a workload to draw.
      const startAt = new Date(Date.now() + (i + 2) * 86_400_000);
      const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, totalAmount: '12500.00', amountDue: '2500.00', isSigned: true });
      await insertEvent(db, { contractId: contract.id, supportContactId: support.id, startAt, name: `Summer gala of ${client.companyName}`, location: '53 Rue du Château, 41120 Candé-sur-Beuvron' });
    }
  });
  afterAll(async () => db.close());

  /** Runs a command in a pane `columns` wide; every line it wrote, once it has exited 0. */
  async function drawn(args: string[], columns: number, env: Record<string, string> = UTF8): Promise<string[]> {
    const tty = await startInTerminal(args, { ...manager.env, ...env }, { columns });
    try {
      expect(await tty.exitCode()).toBe(0);
      return linesOf(tty.rawOutput());
    } finally {
      tty.close();
    }
  }

  it.each([40, 120])('should fit `client list` in a %i-column terminal, one line a client', async (columns) => {
    const table = tableLines(await drawn(['client', 'list'], columns));
    for (const line of table) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
    expect(table).toHaveLength(3 + 4); // top, headers, rule, a line a client, bottom: no line between rows
    expect(table.filter((line) => line.startsWith('├'))).toHaveLength(1);
    expect(table.join('\n')).toContain('…');
    if (columns === 120) expect(table[1]).toMatch(/│ id │ full name +│ email +│ phone +│ company +│ sales contact +│/);
  });

  it('should say which columns a 40-column terminal leaves out, and that --wide shows them', async () => {
    const lines = await drawn(['client', 'list'], 40);
    expect(lines.join('\n')).toMatch(/not shown for lack of width: .*sales contact \(--wide shows every column/);
  });

  it('should cut nothing with --wide, even in 40 columns', async () => {
    const lines = await drawn(['client', 'list', '--wide'], 40);
    expect(lines.join('\n')).toContain(LONG_EMAIL);
    expect(lines.join('\n')).toContain('株式会社エピックイベンツ東京');
    expect(Math.max(...lines.map(displayWidth))).toBeGreaterThan(40);
    expect(lines.join('\n')).not.toMatch(/not shown/);
  });

  it.each([40, 120])('should fit `report` in a %i-column terminal', async (columns) => {
    const lines = await drawn(['report'], columns);
    expect(lines.join('\n')).toMatch(/Management report/);
    // Headings are text, which a terminal wraps like any; tables must not wrap.
    const table = tableLines(lines);
    expect(table.length).toBeGreaterThan(20);
    for (const line of table) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
  });

  it('should honour COLUMNS on a terminal too', async () => {
    const table = tableLines(await drawn(['client', 'list'], 120, { ...UTF8, COLUMNS: '60' }));
    expect(Math.max(...table.map(displayWidth))).toBe(60);
  });

  it.each([
    ['client list', ['client', 'list']],
    ['event list', ['event', 'list']],
    ['report', ['report']],
  ])('should draw `%s` in ASCII with LANG=C, the same rule for lists and the report', async (_name, args) => {
    const lines = await drawn(args, 120, { LANG: 'C' });
    const text = lines.join('\n');
    expect(text).toMatch(/^\+-+\+/m);
    expect(text).not.toMatch(/[│─┌└├…]/);
  });

  it('should fit piped output to COLUMNS, and to 80 without it', async () => {
    const at = async (env: Record<string, string>) => {
      const result = await manager.run(['client', 'list'], { env: { ...UTF8, ...env } });
      expect(result.code).toBe(0);
      return result.stdout.trimEnd().split('\n');
    };
    const narrow = await at({ COLUMNS: '50' });
    expect(Math.max(...narrow.map(displayWidth))).toBeLessThanOrEqual(50);
    const standard = await at({});
    expect(Math.max(...standard.map(displayWidth))).toBeLessThanOrEqual(80);
    expect(standard.join('\n')).not.toContain(LONG_EMAIL);
    const wide = await at({ COLUMNS: '200' });
    expect(wide.join('\n')).toContain(LONG_EMAIL);
  });
});
