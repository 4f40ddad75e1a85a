import { errorFromProblem } from '../../src/client/problem-error';
import { isLoopback, parseServerUrl } from '../../src/client/server-url';
import { readStreamedItems } from '../../src/client/streamed-items';
import { flagFor } from '../../src/cli/field-flags';
import { CliError } from '../../src/errors/cli-error';

async function* chunksOf(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('the import answer read as it streams', () => {
  const document =
    '{\n  "rejected": [\n    {"line":2,"field":"email","reason":"bad \\"x\\" ]}{ é"},\n    {"line":3,"field":null,"reason":"y"}\n  ],\n' +
    '  "lines": 3, "imported": 0, "error": {"code":"conflict","detail":"[x] {y}"}\n}\n';

  it.each([1, 2, 3, 7, 4096])('should hand over each rejection and keep the rest whole, in chunks of %i bytes', async (size) => {
    const batches: unknown[][] = [];
    const rest = await readStreamedItems(chunksOf(document, size), (items) => {
      batches.push(items);
    });
    expect(batches.flat()).toEqual([
      { line: 2, field: 'email', reason: 'bad "x" ]}{ é' },
      { line: 3, field: null, reason: 'y' },
    ]);
    expect(rest).toEqual({ rejected: [], lines: 3, imported: 0, error: { code: 'conflict', detail: '[x] {y}' } });
  });

  it('should read an answer without rejections', async () => {
    const seen: unknown[] = [];
    const rest = await readStreamedItems(chunksOf('{"rejected":[],"lines":0,"imported":0,"rejectedLines":0,"refused":false}', 5), (items) => {
      seen.push(...items);
    });
    expect(seen).toEqual([]);
    expect(rest).toEqual({ rejected: [], lines: 0, imported: 0, rejectedLines: 0, refused: false });
  });
});

describe('server addresses', () => {
  it.each(['http://localhost:8080', 'http://127.0.0.1', 'http://127.3.4.5:9', 'http://[::1]:8080', 'https://crm.example.com', 'https://10.0.0.8:8443/'])('should accept %s', (url) => {
    expect(parseServerUrl(url, 'EPICEVENTS_SERVER').origin).toBe(new URL(url).origin);
  });

  it.each(['http://crm.example.com', 'http://10.0.0.8:8080', 'http://[::2]', 'http://localhost.example.com', 'http://0.0.0.0:8080'])('should refuse plain http to %s, naming it (exit 7)', (url) => {
    let caught: unknown;
    try {
      parseServerUrl(url, 'EPICEVENTS_SERVER');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).code).toBe('unavailable');
    expect((caught as CliError).message).toContain(new URL(url).origin);
  });

  it.each(['ftp://crm.example.com', 'crm.example.com', 'https://crm.example.com/api', 'https://user:pw@crm.example.com', 'https://crm.example.com/?x=1'])('should refuse %s as a server address', (url) => {
    expect(() => parseServerUrl(url, '--server')).toThrow(CliError);
  });

  it('should count only localhost, 127.0.0.0/8 and ::1 as loopback', () => {
    expect(['localhost', '127.0.0.1', '127.255.0.9', '[::1]', '::1'].every(isLoopback)).toBe(true);
    expect(['128.0.0.1', '::2', 'example.com', '0.0.0.0', 'localhost.evil.com'].some(isLoopback)).toBe(false);
  });
});

describe('a problem document back to the error the services threw', () => {
  it('should name the fields as the CLI names them when the document carries the message with its fields', () => {
    const error = errorFromProblem(
      JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, code: 'validation', detail: 'endAt must be after startAt', detailParts: [{ field: 'endAt' }, ' must be after ', { field: 'startAt' }], hint: 'set {endAt}', hintParts: ['set ', { field: 'endAt' }] }),
    );
    expect(error?.code).toBe('validation');
    expect(error?.render(flagFor)).toEqual({ message: '--end must be after --start', hint: 'set --end' });
    expect(error?.field).toBe('endAt');
    expect(error?.relatedField).toBe('startAt');
  });

  it('should fall back on detail and hint, and refuse what is not a problem of this API', () => {
    const error = errorFromProblem(JSON.stringify({ status: 409, code: 'conflict', detail: 'the contract is signed', hint: 'nothing to do' }));
    expect(error?.render(flagFor)).toEqual({ message: 'the contract is signed', hint: 'nothing to do' });
    expect(errorFromProblem('<html>')).toBeUndefined();
    expect(errorFromProblem(JSON.stringify({ code: 'teapot', detail: 'x' }))).toBeUndefined();
  });
});
