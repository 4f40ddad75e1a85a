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
