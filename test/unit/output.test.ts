import { Writable } from 'node:stream';
import { CliError } from '../../src/errors/cli-error';
import { fitWidths, Output } from '../../src/output/output';
import { displayWidth, neutralise, truncate, wrap } from '../../src/output/terminal-text';
import { message, tableView } from '../../src/output/view';
import { columnsThatFit, drawTable, type TableColumn, terminalWidth } from '../../src/output/table';
import { clientTable } from '../../src/commands/client/client-view';

class Capture extends Writable {
  text = '';
  writes = 0;
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    this.writes += 1;
    done();
  }
}

function outputFor(json: boolean) {
  const stdout = new Capture();
  const stderr = new Capture();
  // A UTF-8 locale and no COLUMNS, whatever the environment running the tests.
  return { stdout, stderr, output: new Output({ stdout, stderr }, { json, color: false }, { LANG: 'C.UTF-8' }) };
}

const widthOf = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + widths.length * 3 + 1;

describe('fitWidths', () => {
  it('should keep natural widths when the table fits the terminal', () => {
    expect(fitWidths([4, 20, 10], [false, true, false], 80)).toEqual([4, 20, 10]);
  });

  it('should shrink flexible columns first, widest first, when the table is too wide', () => {
    const widths = fitWidths([6, 40, 30, 12], [false, true, true, false], 80);
    expect(widthOf(widths)).toBe(80);
    expect(widths[0]).toBe(6);
    expect(widths[3]).toBe(12);
    expect(Math.abs(widths[1] - widths[2])).toBeLessThanOrEqual(1);
  });

  it('should shrink fixed columns too when flexible ones alone cannot make it fit', () => {
    const widths = fitWidths([30, 30, 30], [false, true, false], 40);
    expect(widthOf(widths)).toBeLessThanOrEqual(40);
    expect(widths[1]).toBe(4);
  });

  it('should keep flexible columns as wide as their floors (headers) while others can still give way', () => {
    const widths = fitWidths([4, 30, 30, 13], [false, true, true, true], 60, [2, 4, 5, 13]);
    expect(widthOf(widths)).toBe(60);
    expect(widths[3]).toBe(13);
  });

  it('should cut headers wider than their cells before any value when flexible columns are at their floors', () => {
    // 'contracts' and 'still due' over values of 1 and 8 characters: the headers give way, the amounts stay whole.
    expect(fitWidths([8, 9, 9, 9], [true, false, false, false], 40, [0, 9, 5, 9], [8, 1, 9, 8])).toEqual([4, 6, 9, 8]);
  });

  it('should never go below four characters a column when the terminal is tiny', () => {
    expect(fitWidths([10, 10, 10], [true, true, false], 5)).toEqual([4, 4, 4]);
  });
});

describe('neutralise', () => {
  it.each([
    ['an escape sequence', 'evil\x1b[2J', 'evil\\u{1b}[2J'],
    ['a bell', 'ding\x07', 'ding\\u{7}'],
    ['a C1 control', 'x\u009by', 'x\\u{9b}y'],
    ['a right-to-left override', 'invoice\u202Efdp.exe', 'invoice\\u{202e}fdp.exe'],
    ['a bidi isolate', 'a\u2066b\u2069', 'a\\u{2066}b\\u{2069}'],
    ['a left-to-right mark', 'a\u200eb', 'a\\u{200e}b'],
    ['a DEL', 'a\x7fb', 'a\\u{7f}b'],
    ['a bare carriage return', 'paid\rUNPAID', 'paid\\u{d}UNPAID'],
    ['a line separator', 'a\u2028b', 'a\\u{2028}b'],
    ['a paragraph separator', 'a\u2029b', 'a\\u{2029}b'],
    ['a zero-width space', 'pay\u200bpal', 'pay\\u{200b}pal'],
    ['a zero-width joiner', 'a\u200db', 'a\\u{200d}b'],
    ['a byte-order mark', '\ufeffname', '\\u{feff}name'],
    ['an invisible tag character', 'a\u{e0041}b', 'a\\u{e0041}b'],
  ])('should make %s visible when stored text contains one', (_name, input, expected) => {
    expect(neutralise(input)).toBe(expected);
  });

  it('should turn line breaks and tabs into spaces when text spans lines', () => {
    expect(neutralise('line one\nline two\r\nthree\tfour')).toBe('line one line two three four');
  });

  it('should leave ordinary text unchanged when it has accents and emoji', () => {
    expect(neutralise('53 Rue du Château, Candé-sur-Beuvron 🎉')).toBe('53 Rue du Château, Candé-sur-Beuvron 🎉');
  });
});

describe('truncate', () => {
  it('should end with an ellipsis at the given width when the text is longer', () => {
    expect(truncate('Candé-sur-Beuvron', 6)).toBe('Candé…');
  });

  it('should return the text unchanged when it fits', () => {
    expect(truncate('Candé', 5)).toBe('Candé');
  });

  it('should count a wide character as two columns when the text is Japanese', () => {
    expect(displayWidth('東京')).toBe(4);
    expect(truncate('株式会社エピック', 7)).toBe('株式会…');
    expect(truncate('株式会社', 8)).toBe('株式会社');
  });
});

describe('wrap', () => {
  it('should break at spaces into lines no wider than the width when the text is long', () => {
    expect(wrap('Wedding starts at 3PM, by the river.', 16)).toEqual(['Wedding starts', 'at 3PM, by the', 'river.']);
  });

  it('should split a word wider than a line when it has no space', () => {
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('should return the text as one line when it fits', () => {
    expect(wrap('short', 10)).toEqual(['short']);
  });
});

describe('Output', () => {
  const result = {
    json: [{ id: 1, name: 'John Quick Wedding' }],
    human: tableView([{ id: 1, name: 'John Quick Wedding' }], [
      { header: 'id', value: (r: { id: number }) => String(r.id) },
      { header: 'name', value: (r: { name: string }) => r.name },
    ], 'no events'),
  };

  it('should write exactly one JSON document on stdout when in JSON mode', () => {
    const { stdout, stderr, output } = outputFor(true);
    output.note('a hint for the person');
    output.warn('careful');
    output.render(result);
    expect(stdout.writes).toBe(1);
    expect(JSON.parse(stdout.text)).toEqual([{ id: 1, name: 'John Quick Wedding' }]);
    expect(stderr.text).toContain('a hint for the person');
    expect(stderr.text).toContain('warning: careful');
  });

  it('should write an error as {"error":{code,message,hint}} on stderr and nothing on stdout when in JSON mode', () => {
    const { stdout, stderr, output } = outputFor(true);
    output.error(new CliError('not_found', 'client 9 not found', 'run `epicevents client list`'));
    expect(stdout.text).toBe('');
    expect(JSON.parse(stderr.text)).toEqual({ error: { code: 'not_found', message: 'client 9 not found', hint: 'run `epicevents client list`' } });
  });

  it('should write an error as one plain line on stderr when not in JSON mode', () => {
    const { stdout, stderr, output } = outputFor(false);
    output.error(new CliError('conflict', 'bad\x1b[31m\nvalue', 'try again with "\x1b]0;x\x07"'));
    expect(stdout.text).toBe('');
    expect(stderr.text).toBe('error: bad\\u{1b}[31m value (try again with "\\u{1b}]0;x\\u{7}")\n');
  });

  it('should print a table without colour codes when colour is off', () => {
    const { stdout, output } = outputFor(false);
    output.render(result);
    expect(stdout.text).toContain('John Quick Wedding');
    expect(stdout.text).not.toContain('\x1b[');
  });

  it('should keep `client list` within 80 columns, headers whole, when cells hold wide characters', () => {
    const { stdout, output } = outputFor(false);
    const client = (id: number, fullName: string, companyName: string, email: string) => ({
      id, fullName, companyName, email, phone: '+81312345678', salesContactId: 2, salesContactName: 'Sam Two',
      createdAt: new Date(), updatedAt: new Date(), version: 1,
    });
    output.render({
      json: [],
      human: clientTable([
        client(1, 'Kevin Casey', 'Cool Startup LLC', 'kevin@startup.io'),
        client(2, '株式会社エピックイベンツ東京本社営業部長山田太郎様', '株式会社エピックイベンツ東京本社', 'yamada.taro@epic-events-tokyo.example.jp'),
      ]),
    });
    const lines = stdout.text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(lines[1]).toContain('sales contact');
    expect(stdout.text).toContain('株式会社');
  });

  it('should show a long value of a record whole, wrapped under itself within 80 columns', () => {
    const { stdout, output } = outputFor(false);
    const notes = 'Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM. Kate needs to organize the DJ for after party.';
    output.render({ json: {}, human: { kind: 'record', fields: [['name', 'John Quick Wedding'], ['notes', notes]] } });
    const lines = stdout.text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(lines.slice(1).map((line) => line.slice(7)).join(' ')).toBe(notes);
    expect(lines[2].startsWith(' '.repeat(7))).toBe(true);
  });

  it('should print the empty text instead of a table when there are no rows', () => {
    const { stdout, output } = outputFor(false);
    output.render({ json: [], human: tableView([], [{ header: 'id', value: () => '' }], 'no events') });
    expect(stdout.text).toBe('no events\n');
  });

  it('should neutralise control characters in a message when it is printed for a person', () => {
    const { stdout, output } = outputFor(false);
    output.render(message('hello\x1b]0;owned\x07'));
    expect(stdout.text).toBe('hello\\u{1b}]0;owned\\u{7}\n');
  });
});

describe('drawTable', () => {
  const columns: TableColumn[] = [
    { header: 'id', align: 'right' },
    { header: 'full name', flexible: true },
    { header: 'email', flexible: true },
    { header: 'phone' },
    { header: 'company', flexible: true },
    { header: 'sales contact', flexible: true },
  ];
  const rows = [
    ['1201', 'Kevin Casey', 'kevin@coolstartup.io', '+33 6 12 34 56 78', 'Cool Startup LLC', 'Sam Sales'],
    ['1202', '株式会社エピックイベンツ東京本社営業部長山田太郎様', 'yamada.taro@epic-events-tokyo.example.jp', '+81 3 1234 5678', '株式会社エピックイベンツ東京本社', '山田花子'],
    ['1203', 'Zoë Lefèvre-Marchand', 'zoe@lefevre-evenements.fr', '+33 1 23 45 67 89', 'Lefèvre Événements SARL', 'Béatrice Vendeuse'],
  ];
  const widest = (text: string) => Math.max(...text.trimEnd().split('\n').map(displayWidth));

  it.each([40, 80, 120])('should keep every line within %i columns when cells hold wide characters', (width) => {
    const { text } = drawTable(columns, rows, { width, charset: 'unicode', color: false });
    expect(widest(text)).toBeLessThanOrEqual(width);
    expect(text.trimEnd().split('\n')).toHaveLength(rows.length + 4);
  });

  it('should use the whole width of a 120-column terminal and cut nothing that fits when the rows are short', () => {
    const { text, hidden } = drawTable(columns, [rows[0]], { width: 120, charset: 'unicode', color: false });
    expect(hidden).toEqual([]);
    expect(text).toContain('│ 1201 │ Kevin Casey │ kevin@coolstartup.io │ +33 6 12 34 56 78 │ Cool Startup LLC │ Sam Sales     │');
    expect(text).not.toContain('…');
  });

  it('should leave out the rightmost columns, and name them, when even four characters a column do not fit in 40', () => {
    const { text, hidden } = drawTable(columns, rows, { width: 40, charset: 'unicode', color: false });
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden[hidden.length - 1]).toBe('sales contact');
    expect(text).not.toContain('sales contact');
    expect(text.split('\n')[1]).toMatch(/│ +id │/);
  });

  it('should draw every cell whole, wider than any terminal, when no width is given (--wide)', () => {
    const { text, hidden } = drawTable(columns, rows, { width: undefined, charset: 'unicode', color: false });
    expect(hidden).toEqual([]);
    expect(text).toContain('yamada.taro@epic-events-tokyo.example.jp');
    expect(text).toContain('株式会社エピックイベンツ東京本社営業部長山田太郎様');
    expect(widest(text)).toBeGreaterThan(120);
  });

  it('should draw no line between rows (compact): one line a row, a rule only under the headers', () => {
    const lines = drawTable(columns, rows, { width: 120, charset: 'unicode', color: false }).text.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('├'))).toHaveLength(1);
    expect(lines[1]).toMatch(/^│ +id │ full name/);
  });

  it('should draw with + - | and cut with three dots when the charset is ASCII', () => {
    const { text } = drawTable(columns, rows, { width: 60, charset: 'ascii', color: false });
    expect(text).toMatch(/^\+-+\+/);
    expect(text).toContain('...');
    expect(text).not.toMatch(/[│─┌…]/);
  });

  it('should keep the same lines whatever the number of rows when drawn ten rows a cell (blocks of rows)', () => {
    const many = Array.from({ length: 23 }, (_, i) => [String(i + 1), `Client ${i + 1}`, `c${i + 1}@x.io`, '', 'Co', 'Sam']);
    const lines = drawTable(columns, many, { width: 80, charset: 'unicode', color: false }).text.trimEnd().split('\n');
    expect(lines).toHaveLength(many.length + 4);
    expect(lines[3]).toMatch(/^│ +1 │ Client 1 +│ c1@x\.io/);
    expect(lines[many.length + 2]).toMatch(/^│ +23 │ Client 23 /);
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
  });

  it('should colour the headers only when colour is on', () => {
    const { text } = drawTable(columns, rows, { width: 120, charset: 'unicode', color: true });
    const [top, header, rule, first] = text.split('\n');
    expect(header).toContain('\x1b[36mid\x1b[39m');
    for (const line of [top, rule, first]) expect(line).not.toContain('\x1b[');
  });
});

describe('columnsThatFit', () => {
  it('should keep every column when their narrowest widths fit, and at least one when none does', () => {
    expect(columnsThatFit([4, 20, 20], 40)).toBe(3);
    expect(columnsThatFit([4, 20, 20, 20, 20, 20], 40)).toBe(5);
    expect(columnsThatFit([30, 30], 3)).toBe(1);
  });
});

describe('terminalWidth', () => {
  it.each([
    ['COLUMNS over the terminal', { isTTY: true, columns: 120 }, { COLUMNS: '60' }, 60],
    ['COLUMNS when piped', { isTTY: false }, { COLUMNS: '200' }, 200],
    ['the terminal without COLUMNS', { isTTY: true, columns: 40 }, {}, 40],
    ['80 when piped without COLUMNS', { isTTY: false }, {}, 80],
    ['the terminal when COLUMNS is not a number', { isTTY: true, columns: 100 }, { COLUMNS: 'wide' }, 100],
    ['80 when COLUMNS is zero and nothing else tells', { isTTY: false }, { COLUMNS: '0' }, 80],
  ])('should take %s', (_name, stdout, env, expected) => {
    expect(terminalWidth(stdout, env)).toBe(expected);
  });
});

describe('Output tables', () => {
  const client = (id: number, email: string) => ({
    id, fullName: `Client ${id}`, companyName: 'Cool Startup LLC', email, phone: '+33612345678', salesContactId: 2, salesContactName: 'Sam Sales',
    createdAt: new Date(), updatedAt: new Date(), version: 1,
  });
  const longEmail = 'a.very.long.address.for.a.client@an-events-company-with-a-long-name.example.com';
  const render = (mode: { wide?: boolean }, env: NodeJS.ProcessEnv) => {
    const stdout = new Capture();
    const stderr = new Capture();
    new Output({ stdout, stderr }, { json: false, color: false, ...mode }, env).render({ json: [], human: clientTable([client(1, longEmail), client(2, 'b@x.io')]) });
    return { stdout: stdout.text, stderr: stderr.text };
  };

  it('should fit a piped table to COLUMNS', () => {
    const { stdout } = render({}, { LANG: 'C.UTF-8', COLUMNS: '50' });
    for (const line of stdout.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(50);
  });

  it('should cut nothing with --wide, whatever COLUMNS says', () => {
    const { stdout, stderr } = render({ wide: true }, { LANG: 'C.UTF-8', COLUMNS: '40' });
    expect(stdout).toContain(longEmail);
    expect(stderr).toBe('');
  });

  it('should say on stderr which columns a 40-column terminal left out, and how to see them', () => {
    const { stdout, stderr } = render({}, { LANG: 'C.UTF-8', COLUMNS: '30' });
    expect(stderr).toMatch(/not shown for lack of width: .*sales contact \(--wide shows every column/);
    for (const line of stdout.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(30);
  });

  it('should draw lists in ASCII in the C locale, as the report does', () => {
    const { stdout } = render({}, { LANG: 'C' });
    expect(stdout).toMatch(/^\+-+\+/);
    expect(stdout).not.toMatch(/[│─┌]/);
  });
});
