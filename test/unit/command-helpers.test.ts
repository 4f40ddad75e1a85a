import { checkEventTimes } from '../../src/validation/event-fields';
import { parseDateTime, parseEmail } from '../../src/validation/parse';
import { PassThrough } from 'node:stream';
import { CommandContext } from '../../src/cli/context';
import { type MissingValue, type Prompter } from '../../src/cli/prompter';
import { confirmDeletion } from '../../src/commands/shared/confirm-deletion';
import { parseExpectedVersion } from '../../src/commands/shared/expected-version';
import { pagedResult, parsePageRequest } from '../../src/commands/shared/pagination';
import { givenValues, requireValues } from '../../src/commands/shared/required-values';
import { CliError, exitCodeFor } from '../../src/errors/cli-error';
import { CLIENT_JSON_KEYS, EMPLOYEE_JSON_KEYS, jsonRecord, moneyJson } from '../../src/output/json-values';
import { Output } from '../../src/output/output';
import { tableView } from '../../src/output/view';
import { toPage } from '../../src/services/pagination';

class FakePrompter implements Prompter {
  asked: MissingValue[][] = [];
  constructor(
    readonly interactive: boolean,
    private readonly answers: Record<string, string> = {},
    private readonly confirmation = true,
  ) {}
  async ask(missing: MissingValue[]): Promise<Record<string, string>> {
    this.asked.push(missing);
    if (missing.length > 0 && !this.interactive) throw new CliError('usage', `missing ${missing.map((m) => m.flag).join(', ')}`);
    return Object.fromEntries(missing.map((m) => [m.flag, this.answers[m.flag]]));
  }
  async confirm(): Promise<boolean> {
    return this.confirmation;
  }
  async newPassword(): Promise<string> {
    return '';
  }
}

function context(prompter: Prompter, globals: { json?: boolean; yes?: boolean } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const output = new Output({ stdout, stderr }, { json: globals.json ?? false, color: false });
  const ctx = new CommandContext('test', { json: globals.json ?? false, color: false, yes: globals.yes ?? false }, output, prompter, {});
  return { ctx, stderr: () => err };
}

async function failure(call: Promise<unknown>): Promise<CliError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('parsePageRequest', () => {
  it('should default to 50 rows without a cursor', () => {
    expect(parsePageRequest({})).toEqual({ limit: 50 });
  });

  it('should accept 1 to 500 rows and a positive cursor', () => {
    expect(parsePageRequest({ limit: '500', cursor: '42' })).toEqual({ limit: 500, cursor: 42 });
    expect(parsePageRequest({ limit: '1' })).toEqual({ limit: 1 });
  });

  it.each([['0'], ['501'], ['-1'], ['ten'], ['1e2']])('should refuse --limit %s with exit 2', (limit) => {
    expect(() => parsePageRequest({ limit })).toThrow(/--limit must be a whole number from 1 to 500/);
  });

  it.each([['0'], ['abc'], ['-3']])('should refuse --cursor %s with exit 2', (cursor) => {
    expect(() => parsePageRequest({ cursor })).toThrow(/--cursor must be a positive whole number/);
  });
});

describe('toPage', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 10 }));

  it('should keep every row and give no cursor when limit + 1 rows were not all there', () => {
    expect(toPage(rows(3), { limit: 3 })).toEqual({ items: rows(3) });
    expect(toPage(rows(0), { limit: 3 })).toEqual({ items: [] });
  });

  it('should drop the extra row and point the cursor at the last kept id', () => {
    expect(toPage(rows(4), { limit: 3 })).toEqual({ items: rows(3), nextCursor: 12 });
  });
});

describe('pagedResult', () => {
  const view = (items: { id: number }[]) => tableView(items, [{ header: 'id', value: (r) => String(r.id) }], 'none');

  /** stdout and stderr into one stream, in the order a terminal shows them. */
  function renderedTogether(result: ReturnType<typeof pagedResult>, json: boolean): string {
    const both = new PassThrough();
    let text = '';
    both.on('data', (chunk: Buffer) => (text += chunk.toString()));
    new Output({ stdout: both, stderr: both }, { json, color: false }).render(result);
    return text;
  }

  it('should keep the JSON a plain array and write the next cursor to stderr', () => {
    const result = pagedResult({ items: [{ id: 1 }, { id: 2 }], nextCursor: 2 }, (r) => ({ id: r.id }), view);
    expect(result.json).toEqual([{ id: 1 }, { id: 2 }]);
    expect(result.notes).toEqual(['next page: --cursor 2']);
    expect(renderedTogether(result, true)).toMatch(/^\[[^]*\]\nnext page: --cursor 2\n$/);
  });

  it('should print the next cursor after the table, not above it', () => {
    const shown = renderedTogether(pagedResult({ items: [{ id: 1 }, { id: 2 }], nextCursor: 2 }, (r) => ({ id: r.id }), view), false);
    expect(shown.indexOf('next page: --cursor 2')).toBeGreaterThan(shown.lastIndexOf('│ 2'));
    expect(shown.endsWith('next page: --cursor 2\n')).toBe(true);
  });

  it('should say nothing on the last page', () => {
    expect(pagedResult({ items: [{ id: 1 }] }, (r) => ({ id: r.id }), view).notes).toEqual([]);
  });
});

describe('givenValues and requireValues', () => {
  const values = [
    { option: 'fullName' as const, flag: '--full-name', message: 'Full name' },
    { option: 'email' as const, flag: '--email', message: 'Email', parse: parseEmail },
  ];
  const dates = (['start', 'end'] as const).map((option) => ({ option, flag: `--${option}`, message: option, parse: parseDateTime }));
  const rule = { options: ['start', 'end'] as ('start' | 'end')[], check: (v: Record<'start' | 'end', string>) => checkEventTimes(parseDateTime(v.start, '--start'), parseDateTime(v.end, '--end')) };
  const offTerminal = { globals: { json: false, color: false, yes: false }, interactive: false };
  const onTerminal = { ...offTerminal, interactive: true };

  it('should take flags first and ask nothing when all are given', async () => {
    const given = givenValues({ fullName: 'Kevin', email: 'k@x.io' }, values, offTerminal);
    const prompter = new FakePrompter(false);
    const { ctx } = context(prompter);
    expect(await requireValues(ctx, given, values)).toEqual({ fullName: 'Kevin', email: 'k@x.io' });
    expect(prompter.asked).toEqual([]);
  });

  it('should check a flag with its rule in the parse step, naming the flag', () => {
    expect(() => givenValues({ email: 'not-an-address' }, values, onTerminal)).toThrow(/^--email must be a valid email address/);
  });

  it('should check a cross-field rule in the parse step when the flags give both values', () => {
    expect(() => givenValues({ start: '2031-01-01', end: '2030-01-01' }, dates, offTerminal, [rule])).toThrow(CliError);
    expect(givenValues({ start: '2031-01-01' }, dates, onTerminal, [rule])).toEqual({ start: '2031-01-01' });
  });

  it('should ask only for the missing values on a terminal', async () => {
    const given = givenValues({ fullName: 'Kevin' }, values, onTerminal);
    const prompter = new FakePrompter(true, { '--email': 'typed@x.io' });
    const { ctx } = context(prompter);
    expect(await requireValues(ctx, given, values)).toEqual({ fullName: 'Kevin', email: 'typed@x.io' });
    expect(prompter.asked.map((questions) => questions.map((m) => m.flag))).toEqual([['--email']]);
    expect(prompter.asked[0][0].validate!('nope')).toMatch(/^email must be a valid email address/);
  });

  it('should ask again for an answer that breaks a rule shared with a value given as a flag, naming both in words', async () => {
    const asked: MissingValue[] = [];
    const prompter: Prompter = {
      interactive: true,
      ask: async (missing) => {
        asked.push(...missing);
        return { [missing[0].flag]: '2031-01-02' };
      },
      confirm: async () => true,
      newPassword: async () => '',
    };
    const { ctx } = context(prompter);
    expect(await requireValues(ctx, givenValues({ start: '2031-01-01' }, dates, onTerminal, [rule]), dates, [rule])).toEqual({ start: '2031-01-01', end: '2031-01-02' });
    expect(asked.map((m) => m.flag)).toEqual(['--end']);
    expect(asked[0].validate!('2030-12-31')).toBe('end must be after start');
    expect(asked[0].validate!('soon')).toMatch(/^end must be an ISO 8601 date/);
    expect(asked[0].validate!('2031-01-03')).toBeUndefined();
  });

  it('should fail with exit 2 naming every missing flag when not on a terminal, before any flag is checked', () => {
    let error: unknown;
    try {
      givenValues({ email: 'not-an-address' }, [...values, ...dates], offTerminal);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    expect(exitCodeFor((error as CliError).code)).toBe(2);
    expect((error as CliError).message).toBe('missing --full-name, --start, --end');
  });
});

describe('confirmDeletion', () => {
  it('should go ahead with --yes without asking', async () => {
    const { ctx } = context(new FakePrompter(false), { yes: true });
    await expect(confirmDeletion(ctx, 'client 5')).resolves.toBe(true);
  });

  it('should require --yes when not running interactively (exit 2)', async () => {
    const { ctx } = context(new FakePrompter(false));
    const error = await failure(confirmDeletion(ctx, 'client 5'));
    expect(exitCodeFor(error.code)).toBe(2);
    expect(error.message).toBe('--yes is required when not running interactively');
  });

  it('should go ahead on a yes and answer false, not fail, on a no at the terminal', async () => {
    await expect(confirmDeletion(context(new FakePrompter(true, {}, true)).ctx, 'client 5')).resolves.toBe(true);
    await expect(confirmDeletion(context(new FakePrompter(true, {}, false)).ctx, 'client 5')).resolves.toBe(false);
  });
});

describe('parseExpectedVersion', () => {
  it('should be undefined without the flag and a positive whole number with it', () => {
    expect(parseExpectedVersion({})).toBeUndefined();
    expect(parseExpectedVersion({ expectedVersion: '3' })).toBe(3);
    expect(() => parseExpectedVersion({ expectedVersion: 'x' })).toThrow(/--expected-version/);
  });
});

describe('JSON records', () => {
  it('should pick the documented keys in order with times as ISO UTC strings', () => {
    const at = new Date('2026-06-04T11:00:00.000Z');
    const employee = {
      id: 3,
      firstName: 'Kate',
      lastName: 'Hastings',
      email: 'kate@epic.events',
      phone: null,
      role: 'SUPPORT',
      isActive: true,
      mustChangePassword: false,
      lockedUntil: null,
      createdAt: at,
      updatedAt: at,
      version: 2,
      passwordHash: '$argon2id$secret',
    };
    const json = jsonRecord(employee, EMPLOYEE_JSON_KEYS);
    expect(Object.keys(json)).toEqual([...EMPLOYEE_JSON_KEYS]);
    expect(json).toMatchObject({ id: 3, phone: null, createdAt: '2026-06-04T11:00:00.000Z' });
    expect(JSON.stringify(json)).not.toContain('argon2');
  });

  it('should include every key the README documents for a client', () => {
    expect(CLIENT_JSON_KEYS).toEqual(
      expect.arrayContaining(['id', 'fullName', 'email', 'phone', 'companyName', 'salesContactId', 'salesContactName', 'createdAt', 'updatedAt']),
    );
  });

  it('should write amounts with exactly two decimals', () => {
    expect(moneyJson('1500')).toBe('1500.00');
    expect(moneyJson('1500.5')).toBe('1500.50');
    expect(moneyJson('0.00')).toBe('0.00');
  });
});
