import { Writable } from 'node:stream';
import { CliError } from '../../src/errors/cli-error';
import { fitWidths, Output } from '../../src/output/output';
import { displayWidth, neutralise, truncate, wrap } from '../../src/output/terminal-text';
import { message, tableView } from '../../src/output/view';
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
  return { stdout, stderr, output: new Output({ stdout, stderr }, { json, color: false }) };
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
