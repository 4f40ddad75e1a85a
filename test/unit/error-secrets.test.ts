import { readConfig } from '../../src/config/config';
import { translateConnectError } from '../../src/database/database-errors';
import { CliError } from '../../src/errors/cli-error';
import { scrubSecrets } from '../../src/observability/scrub';

/** Error lines shown to the user never repeat a secret the process was given. */
describe('secrets in error messages', () => {
  const env = {
    DATABASE_URL: 'postgres://app:S3cr%40t-db-pass@db.internal:5432/epic',
    EPICEVENTS_JWT_SECRET: 'jwt-secret-that-is-at-least-32-bytes-long',
  };

  it('should filter the database password, raw or decoded, and the JWT secret when a message quotes them', () => {
    const text = scrubSecrets('failed: S3cr%40t-db-pass / S3cr@t-db-pass / jwt-secret-that-is-at-least-32-bytes-long', env);
    expect(text).toBe('failed: [Filtered] / [Filtered] / [Filtered]');
  });

  it('should filter the password of any connection string in the message when it is not the configured one', () => {
    expect(scrubSecrets('connect postgres://bob:hunter2hunter2@h/db failed', {})).toBe('connect postgres://bob:[Filtered]@h/db failed');
  });

  it.each([
    'postgres://app:secret-pass@db.internal:notaport/epic',
    'postgres://app:secret-pass@db.internal:99999/epic',
    'postgres://app:secret%ZZpass@db.internal/epic',
    'postgres://app:secret-pass@[::1/epic',
  ])('should refuse %p as "unavailable" without echoing it when DATABASE_URL is malformed', (url) => {
    let caught: unknown;
    try {
      readConfig({ DATABASE_URL: url });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).code).toBe('unavailable');
    expect((caught as CliError).message).toMatch(/DATABASE_URL is not a valid URL/);
    expect((caught as CliError).message).not.toMatch(/secret/);
  });

  it('should turn a TLS refusal while connecting into "unavailable" naming host and port only', () => {
    const error = translateConnectError(new Error('The server does not support SSL connections'), env.DATABASE_URL);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'unavailable', message: 'cannot connect to PostgreSQL at db.internal:5432: The server does not support SSL connections' });
  });

  it('should turn an unreadable certificate file into "unavailable" without the path', () => {
    const failure = Object.assign(new Error("ENOENT: no such file or directory, open '/secret/place/root.crt'"), { code: 'ENOENT', syscall: 'open' });
    const error = translateConnectError(failure, env.DATABASE_URL) as CliError;
    expect(error.code).toBe('unavailable');
    expect(error.message).not.toMatch(/secret/);
  });

  it('should leave an error it does not recognise alone, so a real bug still exits 1', () => {
    const bug = new TypeError('x is not a function');
    expect(translateConnectError(bug, env.DATABASE_URL)).toBe(bug);
  });
});
