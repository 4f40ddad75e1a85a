import { Readable } from 'node:stream';
import { CsvParser, type CsvRecord, readCsv } from '../../src/csv/csv-parser';
import { csvField, csvRecord, unguardFormula } from '../../src/csv/csv-writer';

/** Parses `text` fed in one chunk, then in every possible two-chunk split: the result must not depend on where chunks end. */
function parse(text: string): CsvRecord[] {
  const whole = feed([text]);
  for (let cut = 1; cut < text.length; cut += 1) expect(feed([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
  return whole;
}

function feed(chunks: string[]): CsvRecord[] {
  const parser = new CsvParser({ maxFieldLength: 20, maxFields: 5 });
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.end()];
}

const fieldsOf = (records: CsvRecord[]) => records.map((r) => r.fields);

describe('CsvParser', () => {
  it('should split plain records on commas and LF', () => {
    expect(parse('a,b,c\nd,e,f\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['d', 'e', 'f'] },
    ]);
  });

  it('should treat CRLF as one line break, and a lone CR as one too', () => {
    expect(parse('a,b\r\nc,d\r\ne,f\rg,h')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
      { line: 4, fields: ['g', 'h'] },
    ]);
  });

  it('should keep commas, CRLF and LF inside quotes as data and count the lines they span', () => {
    expect(parse('"a,b","line1\r\nline2\nline3",c\r\nnext,x,y\r\n')).toEqual([
      { line: 1, fields: ['a,b', 'line1\r\nline2\nline3', 'c'] },
      { line: 4, fields: ['next', 'x', 'y'] },
    ]);
  });

  it('should read a doubled quote inside quotes as one quote', () => {
    expect(fieldsOf(parse('"say ""hi""",""""\n'))).toEqual([['say "hi"', '"']]);
  });

  it('should keep empty fields, quoted or not, including a trailing one', () => {
    expect(fieldsOf(parse(',"",x,\n'))).toEqual([['', '', 'x', '']]);
  });

  it('should drop a byte-order mark at the start only', () => {
    expect(fieldsOf(parse('\ufeffname,email\n\ufeffx,y\n'))).toEqual([
      ['name', 'email'],
      ['\ufeffx', 'y'],
    ]);
  });

  it('should skip blank lines but keep counting them', () => {
    expect(parse('a\n\n\r\nb\n\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('should end the last record at the end of the input without a final line break', () => {
    expect(fieldsOf(parse('a,b\nc,"d"'))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('should return nothing for an empty input or a lone BOM', () => {
    expect(parse('')).toEqual([]);
    expect(parse('\ufeff')).toEqual([]);
  });

  it('should flag a quote inside an unquoted field and go on with the next record', () => {
    const records = parse('ab"c,d\ne,f\n');
    expect(records[0]).toMatchObject({ line: 1, fields: ['ab"c', 'd'], error: expect.stringMatching(/quote inside a field/) });
    expect(records[1]).toEqual({ line: 2, fields: ['e', 'f'] });
  });

  it('should flag text after a closing quote', () => {
    expect(parse('"ab"c,d\n')[0]).toMatchObject({ fields: ['abc', 'd'], error: expect.stringMatching(/after the closing quote/) });
  });

  it('should flag a quoted field still open at the end of the input', () => {
    expect(parse('a\n"open,\nstill open')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['open,\nstill open'], error: expect.stringMatching(/never closed/) },
    ]);
  });

  it('should cut a field longer than the limit and flag the record, keeping memory bounded', () => {
    const records = parse(`${'x'.repeat(25)},b\nc\n`);
    expect(records[0].error).toMatch(/longer than 20/);
    expect(records[0].fields[0].length).toBeLessThanOrEqual(20);
    expect(records[1]).toEqual({ line: 2, fields: ['c'] });
  });

  it('should drop fields over the limit and flag the record', () => {
    expect(parse('1,2,3,4,5,6,7\n')[0]).toMatchObject({ fields: ['1', '2', '3', '4', '5'], error: expect.stringMatching(/more than 5 fields/) });
  });
});

describe('readCsv', () => {
  it('should decode UTF-8 characters split across byte chunks', async () => {
    const bytes = Buffer.from('\ufeffnom,ville\r\nRené,"Candé-sur-Beuvron, 41120"\r\n', 'utf8');
    const chunks = Array.from(bytes, (byte) => Buffer.from([byte])); // one byte at a time
    const records: CsvRecord[] = [];
    for await (const record of readCsv(Readable.from(chunks))) records.push(record);
    expect(fieldsOf(records)).toEqual([
      ['nom', 'ville'],
      ['René', 'Candé-sur-Beuvron, 41120'],
    ]);
  });
});

describe('readCsv on bytes that are not UTF-8', () => {
  const read = async (chunks: Buffer[]) => {
    const records: CsvRecord[] = [];
    for await (const record of readCsv(Readable.from(chunks))) records.push(record);
    return records;
  };

  it('should flag the record and name the field of a Latin-1 byte, and go on with the next lines', async () => {
    const records = await read([Buffer.from('full_name,email\nRen\xe9,rene@x.io\nAnn,ann@x.io\n', 'latin1')]);
    expect(records[1]).toMatchObject({ line: 2, errorField: 0, error: expect.stringMatching(/0xE9 is not UTF-8/) });
    expect(records[2]).toEqual({ line: 3, fields: ['Ann', 'ann@x.io'] });
  });

  it('should name the right field and line when the bad byte is in a quoted field spanning lines, one byte per chunk', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,"two\nlines \xff"\n', 'latin1'), Buffer.from('3,🎉\n', 'utf8')]);
    const records = await read(Array.from(bytes, (byte) => Buffer.from([byte])));
    expect(records[1]).toMatchObject({ line: 2, errorField: 1, error: expect.stringMatching(/0xFF is not UTF-8/) });
    expect(records[2]).toEqual({ line: 4, fields: ['3', '🎉'] });
  });

  it.each([
    ['an overlong form', [0xc0, 0xaf]],
    ['a surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
  ])('should flag %s', async (_name, sequence) => {
    const records = await read([Buffer.concat([Buffer.from('a\nx'), Buffer.from(sequence), Buffer.from('\n')])]);
    expect(records[1]).toMatchObject({ line: 2, errorField: 0, error: expect.stringMatching(/is not UTF-8/) });
  });

  it('should flag a file that ends in the middle of a character', async () => {
    const records = await read([Buffer.from('a\nx'), Buffer.from([0xe2, 0x82])]);
    expect(records[1]).toMatchObject({ line: 2, errorField: 0, error: expect.stringMatching(/0xE2 0x82 is not UTF-8/) });
  });
});

describe('csvField', () => {
  it('should leave plain text, numbers and booleans as they are', () => {
    expect(csvRecord(['Kevin Casey', 12, true, '1500.00'])).toBe('Kevin Casey,12,true,1500.00\r\n');
  });

  it('should write null and undefined as empty fields and dates as ISO 8601 UTC', () => {
    expect(csvRecord([null, undefined, new Date('2026-06-04T13:00:00Z')])).toBe(',,2026-06-04T13:00:00.000Z\r\n');
  });

  it('should quote fields with a comma, a quote, a CR or an LF and double their quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it.each(['=1+1', '+33612345678', '-2', '@SUM(A1)', '\tx', '\rx'])('should prefix a quote to the formula-like cell %j', (text) => {
    expect(csvField(text).replace(/^"|"$/g, '')).toBe(`'${text}`);
  });

  it('should guard and quote a formula that also contains a comma', () => {
    expect(csvField('=HYPERLINK("http://x.test","click")')).toBe('"\'=HYPERLINK(""http://x.test"",""click"")"');
  });

  it('should not guard text whose formula character is not the first one', () => {
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField("O'Brien")).toBe("O'Brien");
  });
});

describe('unguardFormula', () => {
  it.each(['=1+1', '+33612345678', '-2', '@x', '\tx'])('should undo the guard of %j', (text) => {
    const written = parse(csvRecord([text]))[0].fields[0];
    expect(unguardFormula(written)).toBe(text);
  });

  it('should keep a leading quote that guards nothing', () => {
    expect(unguardFormula("'tis the season")).toBe("'tis the season");
    expect(unguardFormula("'")).toBe("'");
  });
});
