import { CliError } from '../../src/errors/cli-error';
import { parseAmount, parseDateTime, parseEmail, parseId, parsePhone, parseSearch, parseText } from '../../src/validation/parse';

function refusal(parse: () => unknown): CliError {
  try {
    parse();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected the value to be refused');
}

describe('parseAmount', () => {
  it.each([
    ['1500', '1500.00'],
    ['1500.5', '1500.50'],
    ['1500.50', '1500.50'],
    ['0', '0.00'],
    ['0.05', '0.05'],
    ['007', '7.00'],
    [' 12 ', '12.00'],
    ['9999999999.99', '9999999999.99'],
    ['00000000001.5', '1.50'],
    ['000000000000', '0.00'],
    ['00009999999999.99', '9999999999.99'],
    ['12,500.00', '12500.00'],
    ['1,500', '1500.00'],
    ['9,999,999,999.99', '9999999999.99'],
  ])('should normalise %p to %p when it has at most two decimals', (input, expected) => {
    expect(parseAmount(input, '--total')).toBe(expected);
  });

  it.each(['1e3', '-5', '12.345', 'NaN', 'Infinity', '', '+5', '1,5', '.5', '5.', '1 500', '0x10', '99999999999', '0099999999999', '00.', '0 0', '12,50', '1,5000', ',500', '1,500,', '1,,500', '1500,000.00', '10,000,000,000.00'])(
    'should refuse %p with a validation error naming the flag when it is not a plain two-place decimal',
    (input) => {
      const error = refusal(() => parseAmount(input, '--total'));
      expect(error.code).toBe('validation');
      expect(error.message).toContain('--total');
    },
  );

  it('should return a string, never a float, when the amount has cents', () => {
    expect(typeof parseAmount('0.10', '--amount')).toBe('string');
    expect(parseAmount('0.10', '--amount')).toBe('0.10');
  });
});

describe('parseDateTime', () => {
  it('should read the time in the local time zone when no offset is given', () => {
    const parsed = parseDateTime('2026-06-04T13:00', '--start');
    expect(parsed.getTime()).toBe(new Date(2026, 5, 4, 13, 0).getTime());
    expect([parsed.getHours(), parsed.getMinutes()]).toEqual([13, 0]);
    expect(parseDateTime('2026-01-15 13:00', '--start').getTime()).toBe(new Date(2026, 0, 15, 13, 0).getTime());
  });

  it('should read a bare date as local midnight when no time is given', () => {
    expect(parseDateTime('2026-06-04', '--from').getTime()).toBe(new Date(2026, 5, 4).getTime());
  });

  it.each([
    ['2026-06-04 13:00+02:00', '2026-06-04T11:00:00.000Z'],
    ['2026-06-04T13:00Z', '2026-06-04T13:00:00.000Z'],
    ['2026-06-04T13:00:30-05:30', '2026-06-04T18:30:30.000Z'],
    ['2026-06-04T13:00-0530', '2026-06-04T18:30:00.000Z'],
    ['2026-06-04T13:00:00.250Z', '2026-06-04T13:00:00.250Z'],
  ])('should honour the offset of %p when one is given', (input, expected) => {
    expect(parseDateTime(input, '--start').toISOString()).toBe(expected);
  });

  it('should accept 29 February when the year is a leap year', () => {
    expect(parseDateTime('2028-02-29T10:00Z', '--start').toISOString()).toBe('2028-02-29T10:00:00.000Z');
  });

  it.each([
    '2026-02-30',
    '2027-02-29',
    '2026-04-31T10:00',
    '2026-13-01',
    '2026-06-04T24:00',
    '2026-06-04T13:60',
    '2026-06-04T13:00:61',
    '2026-06-04T13:00+15:00',
    '9999-12-31T23:00-14:00',
    '2026-06-04T13:00+09:99',
    '1900-01-01T00:00+01:00',
    '04/06/2026',
    'tomorrow',
    '2026-06-04T13',
    '',
  ])('should refuse %p when it is not a real ISO 8601 date-time', (input) => {
    const error = refusal(() => parseDateTime(input, '--start'));
    expect(error.code).toBe('validation');
    expect(error.message).toContain('--start');
  });
});

describe('parseEmail', () => {
  it.each(['kevin@startup.io', 'Kevin.Casey+crm@Startup.IO', 'a@sub.example.co.uk'])('should accept %p when it is a valid address', (input) => {
    expect(parseEmail(input)).toBe(input);
  });

  it('should trim surrounding spaces when the address is otherwise valid', () => {
    expect(parseEmail('  kevin@startup.io ')).toBe('kevin@startup.io');
  });

  it.each(['kevin', 'a@b', 'a b@c.io', '<a@b.io>', 'a@b..io', '@startup.io', 'a@-b.io', `${'x'.repeat(65)}@example.com`, 'a\x07b@c.io', 'a\x1bb@c.io', 'a\u202eb@c.io', 'a\u200bb@c.io'])(
    'should refuse %p when it is not a valid address',
    (input) => {
      expect(refusal(() => parseEmail(input)).code).toBe('validation');
    },
  );
});

describe('parsePhone', () => {
  it.each([
    ['+33 6 12 34 56 78', '+33612345678'],
    ['06 12 34 56 78', '+33612345678'],
    ['0033612345678', '+33612345678'],
    ['+1 650 253 0000', '+16502530000'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('should store %p as %p in E.164 when it is a valid number', (input, expected) => {
    expect(parsePhone(input)).toBe(expected);
  });

  it.each(['12', 'abc', '+33 6 12 34 56 78 99', '', '+0 123 456 789'])('should refuse %p when it is not a valid number', (input) => {
    expect(refusal(() => parsePhone(input)).code).toBe('validation');
  });
});

describe('parseId', () => {
  it.each([
    ['42', 42],
    [' 7 ', 7],
    ['2147483647', 2147483647],
  ])('should return %p as the number %p when it is a positive integer', (input, expected) => {
    expect(parseId(input)).toBe(expected);
  });

  it.each(['1 OR 1=1', '-1', '0', '01', '1.5', '1e3', '0x10', '2147483648', '', 'abc'])(
    'should refuse %p when it is not a positive 32-bit integer',
    (input) => {
      const error = refusal(() => parseId(input, 'client id'));
      expect(error.code).toBe('validation');
      expect(error.message).toContain('client id');
    },
  );
});

describe('parseText', () => {
  it('should keep accents, emoji and scripts of every kind when the text is UTF-8', () => {
    expect(parseText('  Château 🎉 東京 ', 'location', 200)).toBe('Château 🎉 東京');
  });

  it.each([
    ['Ch\uFFFDteau', /location is not valid UTF-8 text/],
    ['a\u0000b', /location cannot contain a NUL character/],
    ['   ', /location cannot be empty/],
  ])('should refuse %p naming the field when it cannot be stored as typed', (input, message) => {
    const error = refusal(() => parseText(input, 'location', 200));
    expect(error.code).toBe('validation');
    expect(error.message).toMatch(message);
  });
});

describe('parseSearch', () => {
  it('should keep a search text of up to 150 characters, trimmed, % and _ as they are', () => {
    expect(parseSearch('  100%_done ')).toBe('100%_done');
    expect(parseSearch('é'.repeat(150))).toBe('é'.repeat(150));
  });

  it.each([
    ['z'.repeat(151), /^\{search\} must be at most 150 characters \(got 151\)$/],
    ['z'.repeat(10_000), /^\{search\} must be at most 150 characters \(got 10000\)$/],
    ['   ', /^\{search\} cannot be empty$/],
  ])('should refuse %#: blank or longer than 150 characters, naming the search field', (input, message) => {
    const error = refusal(() => parseSearch(input));
    expect(error.code).toBe('validation');
    expect(error.field).toBe('search');
    expect(error.render((field) => `{${field}}`).message).toMatch(message);
  });
});
