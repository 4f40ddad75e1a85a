import { CliError, EXIT_CODES, type ErrorCode, exitCodeFor } from '../../src/errors/cli-error';

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

describe('CliError', () => {
  it('should keep the code and the hint when it is thrown', () => {
    const error = new CliError('not_found', 'client 4 not found', 'run `epicevents client list`');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CliError');
    expect(error.code).toBe('not_found');
    expect(error.hint).toBe('run `epicevents client list`');
  });
});
