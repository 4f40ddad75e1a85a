import { scrub } from '../../src/observability/scrub';

/** The `beforeSend` scrubber: nothing secret leaves for Sentry, wherever it sits in the event. */
describe('scrub', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXBhcnQ';

  it('should filter values under secret-looking keys at any depth, and keep the others', () => {
    const event = {
      request: { headers: { Authorization: 'Bearer abc.def.ghi', Accept: 'application/json' } },
      extra: { nested: [{ password: 'hunter2hunter2', refreshToken: 'r-123456', passwordHash: '$argon2id$v=19$x', name: 'Ada' }] },
    };
    expect(scrub(event)).toEqual({
      request: { headers: { Authorization: '[Filtered]', Accept: 'application/json' } },
      extra: { nested: [{ password: '[Filtered]', refreshToken: '[Filtered]', passwordHash: '[Filtered]', name: 'Ada' }] },
    });
  });

  it('should filter secrets inside free text: connection-string credentials, JWTs, bearer values, argon2 hashes, key=value pairs', () => {
    const message = [
      'connect postgres://app:S3cret-pass@db.internal:5432/epic failed',
      'no user postgres://:0nly-pass@db.internal/epic',
      `token ${jwt}`,
      'header Bearer abc.def.ghi',
      'hash $argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      'url ?password=p4ss&user=ada',
    ].join('\n');
    const scrubbed = scrub({ exception: { values: [{ value: message }] } }).exception.values[0].value;
    for (const secret of ['S3cret-pass', '0nly-pass', jwt, 'abc.def.ghi', 'aGFzaA', 'p4ss']) expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain('postgres://app:[Filtered]@db.internal:5432/epic');
    expect(scrubbed).toContain('user=ada');
  });
});
