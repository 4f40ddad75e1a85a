import { flagFor } from '../../src/cli/field-flags';
import { CliError, EXIT_CODES, type ErrorCode, exitCodeFor, fieldText, httpStatusFor, jsonPointer, validationError } from '../../src/errors/cli-error';
import { parseText } from '../../src/validation/parse';

const EXPECTED: Record<ErrorCode, number> = {
  usage: 2,
  validation: 2,
  unauthenticated: 3,
  forbidden: 4,
  not_found: 5,
  conflict: 6,
  unavailable: 7,
  cancelled: 130,
  internal: 1,
};

describe('exitCodeFor', () => {
  it.each(Object.entries(EXPECTED))('should map %p to exit %p when a command fails with that code', (code, exit) => {
    expect(exitCodeFor(code as ErrorCode)).toBe(exit);
  });

  it('should give every failing exit code of the help table an error code when the table is printed', () => {
    const mapped = new Set(Object.values(EXPECTED));
    const documented = EXIT_CODES.map((row) => row.code).filter((code) => code !== 0);
    expect(new Set<number>(documented)).toEqual(mapped);
  });

  it('should throw when it is given a code that is not part of the union', () => {
    expect(() => exitCodeFor('teapot' as ErrorCode)).toThrow(/unmapped error code teapot/);
  });
});

/** The API's status for each code: the exit code's meaning, in HTTP. */
const EXPECTED_STATUS: Record<ErrorCode, number> = {
  usage: 400,
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  cancelled: 400,
  internal: 500,
};

describe('httpStatusFor', () => {
  it.each(Object.entries(EXPECTED_STATUS))('should map %p to HTTP %p when a request fails with that code', (code, status) => {
    expect(httpStatusFor(code as ErrorCode)).toBe(status);
  });

  it('should throw when it is given a code that is not part of the union', () => {
    expect(() => httpStatusFor('toString' as ErrorCode)).toThrow(/unmapped error code toString/);
  });
});

describe('CliError', () => {
  it('should keep the code and the hint when it is thrown', () => {
    const error = new CliError('not_found', 'client 4 not found', 'run `epicevents client list`');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CliError');
    expect(error.code).toBe('not_found');
    expect(error.hint).toBe('run `epicevents client list`');
  });
});

describe('fields named in errors', () => {
  const error = validationError(fieldText`{endAt} must be after {startAt} (got "{startAt}")`, fieldText`change {startAt} and {endAt} together`);

  it('should name the field at fault and the other field of the rule', () => {
    expect(error.field).toBe('endAt');
    expect(error.relatedField).toBe('startAt');
  });

  it('should read with property names by default, as the API shows them', () => {
    expect(error.message).toBe('endAt must be after startAt (got "startAt")');
    expect(error.hint).toBe('change startAt and endAt together');
  });

  it('should read with the flags in the CLI, from one table of irregular flags', () => {
    expect(error.render(flagFor)).toEqual({ message: '--end must be after --start (got "--start")', hint: 'change --start and --end together' });
    expect(['amountDue', 'totalAmount', 'supportId', 'supportContactId', 'noSupport', 'salesContactId'].map(flagFor)).toEqual([
      '--amount-due',
      '--total',
      '--support',
      '--support',
      '--no-support',
      '--sales',
    ]);
  });

  it('should keep an interpolated value as text even when it looks like a field', () => {
    const typed = '{amountDue}';
    const refused = validationError(fieldText`{amount} must be an amount (got "${typed}")`);
    expect(refused.render(flagFor).message).toBe('--amount must be an amount (got "{amountDue}")');
    expect(refused.relatedField).toBeUndefined();
  });

  it('should give the API a JSON pointer for a field', () => {
    expect(jsonPointer('amountDue')).toBe('/amountDue');
    expect(jsonPointer('a/b~c')).toBe('/a~1b~0c');
  });

  it('should name a field given to a parser by a service, and a flag label given by a command', () => {
    const fromService = (() => {
      try {
        parseText('', { field: 'search' }, 10);
      } catch (caught) {
        return caught as CliError;
      }
    })();
    expect(fromService?.field).toBe('search');
    expect(fromService?.render(flagFor).message).toBe('--search cannot be empty');
    expect(() => parseText('', '--name', 10)).toThrow('--name cannot be empty');
  });
});
