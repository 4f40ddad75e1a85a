import { translateDatabaseError } from '../../src/database/database-errors';
import { CliError } from '../../src/errors/cli-error';

describe('a database role without a privilege', () => {
  it('should be "unavailable" (exit 7) pointing at the roles setup when the server answers 42501', () => {
    const refusal = Object.assign(new Error('permission denied for schema public'), { code: '42501' });
    const error = translateDatabaseError(refusal, 'postgres://epicevents_app:pw@db.internal:5432/epic') as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.code).toBe('unavailable');
    expect(error.message).toBe('PostgreSQL at db.internal:5432 refused: permission denied for schema public');
    expect(error.hint).toMatch(/db roles --print/);
  });
});

describe('a database server out of disk space', () => {
  it('should be "unavailable" (exit 7) naming the server, not a bug, when it answers 53100', () => {
    const full = Object.assign(new Error('could not extend file "base/16384/16400": No space left on device'), { code: '53100' });
    const error = translateDatabaseError(full, 'postgres://epicevents_app:pw@db.internal:5432/epic') as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.code).toBe('unavailable');
    expect(error.message).toBe('PostgreSQL at db.internal:5432 cannot write: could not extend file "base/16384/16400": No space left on device');
  });
});
