import { parseRole } from '../../src/validation/parse';
import { parseAmount, parseCount, parseDateTime, parsePhone } from '../../src/validation/parse';
import { type CliResult } from '../support/cli';
import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { changedTables, type Fingerprint, fingerprint } from '../support/fingerprint';
import { corpus, type HostileValue, RAW_CONTROL, STACK_TRACE, type ValueClass } from '../support/hostile-values';
import { countExit, type HostileReport, writeReliabilityReport } from '../support/reliability-report';
import { createTestDatabase, serverUrl, type TestDatabase } from '../support/test-database';
import { initManager, login, type TestUser, userFor } from '../support/users';

/**
 * The hostile-input campaign, through the real binary: every write command and every id or
 * filter argument receives the whole corpus of its class (test/support/hostile-values.ts). Each
 * run must end with a refusal (2, 4, 5, 6; 3 for credentials) or with exit 0 when the value is
 * legitimately valid, and then the stored value reads back exactly through `show --json`. Never
 * exit 1, a stack trace, a hang or a raw control character on the terminal; and a refused (or
 * read-only) run leaves every table exactly as it was (row counts and a hash of every row).
 *
 * On a server the runs go through four lanes, each with a database of its own, so the
 * before/after fingerprint of each run is exact although four commands run at a time. The
 * embedded engine (one process per data folder, about a second per command) gets every fortieth
 * case in one lane: the parsers are the same code either way. In the `server mode` project each
 * lane's commands go through the real `epicevents serve` of its database, started once with it.
 */
const SERVER = Boolean(serverUrl());
const LANES = SERVER ? 4 : 1;
const SAMPLE_EVERY = SERVER ? 1 : 40;
const RUN_TIMEOUT_MS = 20_000;
/** Far enough ahead that no seeded event is "upcoming" (that would add notifications to any command). */
const START = '2031-06-04T13:00';
const END = '2031-06-04T20:00';
const NEW_PASSWORD = 'Brand-New-Passw0rd-2031';

type Who = 'manager' | 'sales' | 'passwordUser' | 'anonymous';

interface Lane {
  index: number;
  db: TestDatabase;
  users: Record<Who, TestUser>;
  password: string;
  passwordEmail: string;
  loginEmail: string;
  ids: { sales: number; client: number; signedContract: number; event: number; employee: number };
  last: Fingerprint;
  counter: number;
}

interface Invocation {
  args: string[];
  stdin?: string;
}

interface ReadBack {
  /** The command that shows the record, given the lane and the write's JSON output. */
  show: (lane: Lane, written: Record<string, unknown>) => string[];
  field: string;
  expected: (value: string) => unknown;
}

interface HostileCase {
  command: string;
  argument: string;
  valueClass: ValueClass;
  value: HostileValue;
  as: Who;
  /** Writes run with --json (the record comes back); reads print a table for a person. */
  write: boolean;
  invocation: (lane: Lane, value: string) => Invocation;
  readBack?: ReadBack;
  /** Exit codes besides 0, 2, 4, 5, 6 that are right for this command (3: bad credentials). */
  alsoAllowed?: number[];
  /** What an accepted value must make true, beyond the read-back (passwords: log in with it). */
  afterSuccess?: (lane: Lane, value: string) => Promise<string | undefined>;
}

interface ArgumentSpec {
  command: string;
  argument: string;
  valueClass: ValueClass;
  maxLength?: number;
  as: Who;
  write: boolean;
  invocation: (lane: Lane, value: string) => Invocation;
  readBack?: ReadBack;
  alsoAllowed?: number[];
  afterSuccess?: (lane: Lane, value: string) => Promise<string | undefined>;
}

const lanes: Lane[] = [];
const startedAt = Date.now();
const report: HostileReport = {
  suite: 'hostile-input',
  database: SERVER ? 'server' : 'embedded',
  finishedAt: '',
  durationMs: 0,
  runs: 0,
  crashes: 0,
  exitCodes: {},
  unchangedChecks: 0,
  changedAfterRefusal: 0,
  roundTrips: 0,
  roundTripMismatches: 0,
  byCommand: {},
  byClass: {},
  notes: [],
};

const valueLabels: Record<string, Set<string>> = {};
/** Classes whose accepted values must come back byte for byte through `show --json`. */
const VERBATIM_CLASSES: ValueClass[] = ['text', 'email'];

const uniqueEmail = (lane: Lane) => `h${lane.index}-${++lane.counter}@hostile.test`;
const text = (value: string) => value.trim();
const phoneOrNull = (value: string) => (value.trim() === '' ? null : parsePhone(value));
const isoDate = (value: string) => parseDateTime(value, 'date').toISOString();
const showCreated = (noun: string) => (_lane: Lane, written: Record<string, unknown>) => [noun, 'show', String(written.id), '--json'];
const showTarget = (noun: string, id: (lane: Lane) => number) => (lane: Lane) => [noun, 'show', String(id(lane)), '--json'];

/** Replaces the value of one flag in a valid command line, or appends the flag. */
function withFlag(args: string[], flag: string, value: string): string[] {
  const at = args.indexOf(flag);
  if (at < 0) return [...args, flag, value];
  return [...args.slice(0, at + 1), value, ...args.slice(at + 2)];
}

// ---------------------------------------------------------------------------------------------
// Every argument of every command, with the class of value it takes.
// ---------------------------------------------------------------------------------------------

const employeeCreate = (lane: Lane) => ['employee', 'create', '--first-name', 'Ann', '--last-name', 'Lee', '--email', uniqueEmail(lane), '--role', 'SUPPORT', '--json'];
const clientCreate = (lane: Lane) => ['client', 'create', '--full-name', 'Kevin Casey', '--email', uniqueEmail(lane), '--phone', '+33612345678', '--company', 'Cool Startup', '--json'];
const eventCreate = (lane: Lane) => [
  'event', 'create', '--contract', String(lane.ids.signedContract), '--name', 'Launch', '--start', START, '--end', END, '--location', 'Paris', '--attendees', '10', '--json',
];

function flagSpecs(
  command: string,
  base: (lane: Lane) => string[],
  as: Who,
  flags: [flag: string, valueClass: ValueClass, field?: string, expected?: (value: string) => unknown, maxLength?: number][],
  show: ReadBack['show'],
): ArgumentSpec[] {
  return flags.map(([flag, valueClass, field, expected, maxLength]) => ({
    command,
    argument: flag,
    valueClass,
    maxLength,
    as,
    write: true,
    invocation: (lane, value) => ({ args: withFlag(base(lane), flag, value) }),
    readBack: field && expected ? { show, field, expected } : undefined,
  }));
}

function idSpec(command: string, as: Who, write: boolean, build: (value: string, lane: Lane) => string[], argument = '<id>'): ArgumentSpec {
  return { command, argument, valueClass: 'id', as, write, invocation: (lane, value) => ({ args: build(value, lane) }) };
}

function readSpec(command: string, argument: string, valueClass: ValueClass, as: Who, build: (value: string, lane: Lane) => string[], maxLength?: number): ArgumentSpec {
  return { command, argument, valueClass, maxLength, as, write: false, invocation: (lane, value) => ({ args: build(value, lane) }) };
}

const listFilters = (noun: string, as: Who, filters: [flag: string, valueClass: ValueClass, maxLength?: number][]): ArgumentSpec[] => [
  ...filters.map(([flag, valueClass, maxLength]) => readSpec(`${noun} list`, flag, valueClass, as, (value) => [noun, 'list', flag, value], maxLength)),
  readSpec(`${noun} list`, '--limit', 'number', as, (value) => [noun, 'list', '--limit', value]),
  readSpec(`${noun} list`, '--cursor', 'id', as, (value) => [noun, 'list', '--cursor', value]),
];

const EMPLOYEE: ArgumentSpec[] = [
  ...flagSpecs('employee create', employeeCreate, 'manager', [
    ['--first-name', 'text', 'firstName', text, 100],
    ['--last-name', 'text', 'lastName', text, 100],
    ['--email', 'email', 'email', text],
    ['--role', 'role', 'role', (value) => parseRole(value)],
    ['--phone', 'phone', 'phone', phoneOrNull],
  ], showCreated('employee')),
  idSpec('employee update', 'manager', true, (value) => ['employee', 'update', value, '--first-name', 'Renamed', '--json']),
  idSpec('employee update', 'manager', true, (value, lane) => ['employee', 'update', String(lane.ids.employee), '--first-name', 'Versioned', '--expected-version', value, '--json'], '--expected-version'),
  ...flagSpecs('employee update', (lane) => ['employee', 'update', String(lane.ids.employee), '--json'], 'manager', [
    ['--first-name', 'text', 'firstName', text, 100],
    ['--last-name', 'text', 'lastName', text, 100],
    ['--email', 'email', 'email', text],
    ['--phone', 'phone', 'phone', phoneOrNull],
    ['--role', 'role', 'role', (value) => parseRole(value)],
  ], showTarget('employee', (lane) => lane.ids.employee)),
  idSpec('employee show', 'manager', false, (value) => ['employee', 'show', value]),
  ...listFilters('employee', 'manager', [['--role', 'role']]),
  idSpec('employee deactivate', 'manager', true, (value) => ['employee', 'deactivate', value, '--json']),
  idSpec('employee reactivate', 'manager', true, (value) => ['employee', 'reactivate', value, '--json']),
  idSpec('employee reset-password', 'manager', true, (value) => ['employee', 'reset-password', value, '--json']),
  idSpec('employee delete', 'manager', true, (value) => ['employee', 'delete', value, '--yes', '--json']),
  // The salesperson owns a client, so the delete needs --reassign-to: a bad one must delete nothing.
  idSpec('employee delete', 'manager', true, (value, lane) => ['employee', 'delete', String(lane.ids.sales), '--reassign-to', value, '--yes', '--json'], '--reassign-to'),
];

const CLIENT: ArgumentSpec[] = [
  ...flagSpecs('client create', clientCreate, 'sales', [
    ['--full-name', 'text', 'fullName', text, 150],
    ['--email', 'email', 'email', text],
    ['--phone', 'phone', 'phone', (value) => parsePhone(value)],
    ['--company', 'text', 'companyName', text, 150],
  ], showCreated('client')),
  idSpec('client update', 'sales', true, (value) => ['client', 'update', value, '--company', 'Valid Company', '--json']),
  ...flagSpecs('client update', (lane) => ['client', 'update', String(lane.ids.client), '--json'], 'sales', [
    ['--full-name', 'text', 'fullName', text, 150],
    ['--email', 'email', 'email', text],
    ['--phone', 'phone', 'phone', (value) => parsePhone(value)],
    ['--company', 'text', 'companyName', text, 150],
  ], showTarget('client', (lane) => lane.ids.client)),
  idSpec('client update', 'manager', true, (value, lane) => ['client', 'update', String(lane.ids.client), '--sales', value, '--json'], '--sales'),
  idSpec('client update', 'sales', true, (value, lane) => ['client', 'update', String(lane.ids.client), '--company', 'Versioned Co', '--expected-version', value, '--json'], '--expected-version'),
  idSpec('client show', 'sales', false, (value) => ['client', 'show', value]),
  ...listFilters('client', 'sales', [['--sales', 'id'], ['--search', 'text', 150]]),
  idSpec('client delete', 'manager', true, (value) => ['client', 'delete', value, '--yes', '--json']),
];

const CONTRACT: ArgumentSpec[] = [
  idSpec('contract create', 'manager', true, (value) => ['contract', 'create', '--client', value, '--total', '1000', '--json'], '--client'),
  ...flagSpecs('contract create', (lane) => ['contract', 'create', '--client', String(lane.ids.client), '--json'], 'manager', [
    ['--total', 'amount', 'totalAmount', (value) => parseAmount(value, '--total')],
  ], showCreated('contract')),
  ...flagSpecs('contract create', (lane) => ['contract', 'create', '--client', String(lane.ids.client), '--total', '9999999999.99', '--json'], 'manager', [
    ['--amount-due', 'amount', 'amountDue', (value) => parseAmount(value, '--amount-due')],
  ], showCreated('contract')),
  idSpec('contract update', 'manager', true, (value) => ['contract', 'update', value, '--total', '2000', '--json']),
  ...flagSpecs('contract update', (lane) => ['contract', 'update', String(lane.ids.signedContract), '--json'], 'manager', [
    ['--total', 'amount', 'totalAmount', (value) => parseAmount(value, '--total')],
    ['--amount-due', 'amount', 'amountDue', (value) => parseAmount(value, '--amount-due')],
  ], showTarget('contract', (lane) => lane.ids.signedContract)),
  idSpec('contract update', 'manager', true, (value, lane) => ['contract', 'update', String(lane.ids.signedContract), '--total', '3000', '--expected-version', value, '--json'], '--expected-version'),
  idSpec('contract pay', 'manager', true, (value) => ['contract', 'pay', value, '--amount', '1', '--json']),
  ...flagSpecs('contract pay', (lane) => ['contract', 'pay', String(lane.ids.signedContract), '--json'], 'manager', [['--amount', 'amount']], showCreated('contract')),
  idSpec('contract sign', 'manager', true, (value) => ['contract', 'sign', value, '--json']),
  idSpec('contract delete', 'manager', true, (value) => ['contract', 'delete', value, '--yes', '--json']),
  idSpec('contract show', 'sales', false, (value) => ['contract', 'show', value]),
  ...listFilters('contract', 'sales', [['--client', 'id'], ['--search', 'text', 150]]),
];

const EVENT: ArgumentSpec[] = [
  idSpec('event create', 'sales', true, (value, lane) => withFlag(eventCreate(lane), '--contract', value), '--contract'),
  ...flagSpecs('event create', eventCreate, 'sales', [
    ['--name', 'text', 'name', text, 150],
    ['--location', 'text', 'location', text, 300],
    ['--notes', 'text', 'notes', text, 5000],
    ['--start', 'date', 'startAt', isoDate],
    ['--end', 'date', 'endAt', isoDate],
    ['--attendees', 'count', 'attendees', (value) => parseCount(value, '--attendees')],
  ], showCreated('event')),
  idSpec('event update', 'manager', true, (value) => ['event', 'update', value, '--attendees', '5', '--json']),
  ...flagSpecs('event update', (lane) => ['event', 'update', String(lane.ids.event), '--json'], 'manager', [
    ['--name', 'text', 'name', text, 150],
    ['--location', 'text', 'location', text, 300],
    ['--notes', 'text', 'notes', text, 5000],
    ['--start', 'date', 'startAt', isoDate],
    ['--end', 'date', 'endAt', isoDate],
    ['--attendees', 'count', 'attendees', (value) => parseCount(value, '--attendees')],
  ], showTarget('event', (lane) => lane.ids.event)),
  idSpec('event update', 'manager', true, (value, lane) => ['event', 'update', String(lane.ids.event), '--support', value, '--json'], '--support'),
  idSpec('event update', 'manager', true, (value, lane) => ['event', 'update', String(lane.ids.event), '--attendees', '7', '--expected-version', value, '--json'], '--expected-version'),
  idSpec('event show', 'manager', false, (value) => ['event', 'show', value]),
  ...listFilters('event', 'manager', [['--support', 'id'], ['--client', 'id'], ['--contract', 'id'], ['--from', 'date'], ['--to', 'date'], ['--search', 'text', 150]]),
  idSpec('event delete', 'manager', true, (value) => ['event', 'delete', value, '--yes', '--json']),
];

const AUTH: ArgumentSpec[] = [
  {
    command: 'login',
    argument: '--email',
    valueClass: 'email',
    as: 'anonymous',
    write: true,
    alsoAllowed: [3],
    invocation: (_lane, value) => ({ args: ['login', '--email', value, '--password-stdin', '--json'], stdin: `${FACTORY_PASSWORD}\n` }),
  },
  {
    command: 'login',
    argument: 'password (stdin)',
    valueClass: 'password',
    as: 'anonymous',
    write: true,
    alsoAllowed: [3],
    invocation: (lane, value) => ({ args: ['login', '--email', lane.loginEmail, '--password-stdin', '--json'], stdin: `${value}\n` }),
  },
  {
    command: 'password change',
    argument: 'new password (stdin)',
    valueClass: 'password',
    as: 'passwordUser',
    write: true,
    alsoAllowed: [3],
    invocation: (lane, value) => ({ args: ['password', 'change', '--stdin', '--json'], stdin: `${lane.password}\n${value}\n` }),
    afterSuccess: async (lane, value) => {
      lane.password = value;
      const again = await lane.users.passwordUser.run(['login', '--email', lane.passwordEmail, '--password-stdin', '--json'], { stdin: `${value}\n` });
      return again.code === 0 ? undefined : `logging in with the new password exited ${again.code}: ${again.stderr.trim()}`;
    },
  },
  {
    command: 'password change',
    argument: 'current password (stdin)',
    valueClass: 'password',
    as: 'passwordUser',
    write: true,
    alsoAllowed: [3],
    invocation: (_lane, value) => ({ args: ['password', 'change', '--stdin', '--json'], stdin: `${value}\n${NEW_PASSWORD}\n` }),
  },
];

// Every lane is initialised: valid values reach the database and are refused there (exit 6, nothing written).
const INIT = ['init', '--first-name', 'Ann', '--last-name', 'Lee', '--email', 'second@epic.events', '--password-stdin', '--json'];
const INIT_SPECS: ArgumentSpec[] = [
  ...([['--first-name', 'text', 100], ['--last-name', 'text', 100], ['--email', 'email']] as const).map(
    ([flag, valueClass, maxLength]): ArgumentSpec => ({
      command: 'init',
      argument: flag,
      valueClass,
      maxLength,
      as: 'anonymous',
      write: true,
      invocation: (_lane, value) => ({ args: withFlag(INIT, flag, value), stdin: `${NEW_PASSWORD}\n` }),
    }),
  ),
  { command: 'init', argument: 'password (stdin)', valueClass: 'password', as: 'anonymous', write: true, invocation: (_lane, value) => ({ args: INIT, stdin: `${value}\n` }) },
];

const OTHERS: ArgumentSpec[] = [
  ...INIT_SPECS,
  idSpec('notification read', 'manager', true, (value) => ['notification', 'read', value, '--json']),
  ...listFilters('notification', 'manager', []),
  readSpec('audit list', '--actor', 'id', 'manager', (value) => ['audit', 'list', '--actor', value]),
  readSpec('audit list', '--entity', 'text', 'manager', (value) => ['audit', 'list', '--entity', value]),
  readSpec('audit list', '--action', 'text', 'manager', (value) => ['audit', 'list', '--action', value], 40),
  readSpec('audit list', '--since', 'date', 'manager', (value) => ['audit', 'list', '--since', value]),
  readSpec('audit list', '--limit', 'number', 'manager', (value) => ['audit', 'list', '--limit', value]),
  readSpec('audit list', '--cursor', 'id', 'manager', (value) => ['audit', 'list', '--cursor', value]),
];

function casesOf(specs: ArgumentSpec[]): HostileCase[] {
  const cases = specs.flatMap((spec) => corpus(spec.valueClass, spec.maxLength).map((value) => ({ ...spec, value })));
  return cases.filter((_, i) => i % SAMPLE_EVERY === 0);
}

// ---------------------------------------------------------------------------------------------
// Running the cases
// ---------------------------------------------------------------------------------------------

async function openLane(index: number): Promise<Lane> {
  const db = await createTestDatabase();
  // Tokens that outlive the suite: a refresh in the middle would write to the session tables.
  const env = { EPICEVENTS_ACCESS_TTL: '2h' };
  const manager = await initManager(db, `ada${index}@epic.events`);
  Object.assign(manager.env, env);
  await login(manager);
  const sales = await insertEmployee(db, { role: 'SALES', email: `bill${index}@epic.events` });
  const support = await insertEmployee(db, { role: 'SUPPORT', email: `kate${index}@epic.events` });
  const passwordOwner = await insertEmployee(db, { role: 'SALES', email: `pat${index}@epic.events` });
  const loginTarget = await insertEmployee(db, { role: 'SUPPORT', email: `lou${index}@epic.events` });
  const target = await insertEmployee(db, { role: 'SUPPORT', email: `tom${index}@epic.events` });
  const client = await insertClient(db, { salesContactId: sales.id, email: `client${index}@example.com` });
  const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, totalAmount: '5000.00', isSigned: true });
  const event = await insertEvent(db, { contractId: contract.id, supportContactId: support.id });
  const users: Record<Who, TestUser> = {
    manager,
    sales: userFor(db, sales.email, env),
    passwordUser: userFor(db, passwordOwner.email, env),
    anonymous: userFor(db, 'nobody@epic.events', env),
  };
  await login(users.sales, FACTORY_PASSWORD);
  await login(users.passwordUser, FACTORY_PASSWORD);
  return {
    index,
    db,
    users,
    password: FACTORY_PASSWORD,
    passwordEmail: passwordOwner.email,
    loginEmail: loginTarget.email,
    ids: { sales: sales.id, client: client.id, signedContract: contract.id, event: event.id, employee: target.id },
    last: await fingerprint(db),
    counter: 0,
  };
}

function visible(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…(${value.length} chars)` : value;
  return JSON.stringify(shown);
}

function tally(c: HostileCase, code: number | null): void {
  report.runs += 1;
  countExit(report.exitCodes, code);
  const command = (report.byCommand[c.command] ??= { arguments: [], runs: 0, exitCodes: {} });
  if (!command.arguments.includes(c.argument)) command.arguments.push(c.argument);
  command.runs += 1;
  countExit(command.exitCodes, code);
  const byClass = (report.byClass[c.valueClass] ??= { values: 0, runs: 0, exitCodes: {} });
  const labels = (valueLabels[c.valueClass] ??= new Set());
  labels.add(c.value.label);
  byClass.values = labels.size;
  byClass.runs += 1;
  countExit(byClass.exitCodes, code);
}

/** Runs one case in one lane; returns what went wrong, if anything. */
async function runCase(lane: Lane, c: HostileCase): Promise<string[]> {
  const where = `${c.command} ${c.argument} = ${c.value.label} ${visible(c.value.value)}`;
  const { args, stdin } = c.invocation(lane, c.value.value);
  let result: CliResult;
  try {
    result = await lane.users[c.as].run(args, { stdin, timeoutMs: RUN_TIMEOUT_MS });
  } catch (error) {
    tally(c, null);
    report.crashes += 1;
    return [`${where}: no answer within ${RUN_TIMEOUT_MS} ms (${(error as Error).message.split('\n')[0]})`];
  }
  tally(c, result.code);
  const problems: string[] = [];
  const allowed = [0, 2, 4, 5, 6, ...(c.alsoAllowed ?? [])];
  if (result.code === null || !allowed.includes(result.code)) problems.push(`exit ${result.code}: ${result.stderr.trim().slice(0, 300)}`);
  if (STACK_TRACE.test(result.stderr) || STACK_TRACE.test(result.stdout)) problems.push('a stack trace reached the terminal');
  if (RAW_CONTROL.test(result.stdout) || RAW_CONTROL.test(result.stderr)) problems.push('a raw control character reached the terminal');
  if (problems.length > 0) report.crashes += 1;

  if (result.code !== 0 && c.write) {
    // --json: nothing on stdout, one JSON error document on stderr.
    const lines = result.stderr.trim().split('\n');
    if (result.stdout !== '' || lines.length !== 1 || !/^\{"error":\{"code":"[a-z_]+"/.test(lines[0])) {
      problems.push(`not one JSON error line: stdout ${visible(result.stdout)}, stderr ${visible(result.stderr)}`);
    }
  }

  const after = await fingerprint(lane.db);
  if (result.code !== 0 || !c.write) {
    report.unchangedChecks += 1;
    const changed = changedTables(lane.last, after);
    if (changed.length > 0) {
      report.changedAfterRefusal += 1;
      problems.push(`exit ${result.code} but ${changed.join(', ')} changed`);
    }
  }
  lane.last = after;

  if (result.code === 0 && c.write && c.readBack) {
    const written = result.json<Record<string, unknown>>();
    const expected = c.readBack.expected(c.value.value);
    let actual: unknown;
    if (VERBATIM_CLASSES.includes(c.valueClass)) {
      // Text is stored as given (trimmed): read it back through a separate `show --json`.
      const shown = await lane.users[c.as].run(c.readBack.show(lane, written), { timeoutMs: RUN_TIMEOUT_MS });
      actual = shown.code === 0 ? shown.json<Record<string, unknown>>()[c.readBack.field] : `(show exited ${shown.code})`;
    } else {
      // Numbers, dates, phones and roles are normalised: the record the write returns (read back
      // in its transaction) must hold what the parser makes of the value. Saves a process per run.
      actual = written[c.readBack.field];
    }
    report.roundTrips += 1;
    if (actual !== expected) {
      report.roundTripMismatches += 1;
      problems.push(`accepted, but ${c.readBack.field} reads back as ${visible(String(actual))}, not ${visible(String(expected))}`);
    }
    lane.last = await fingerprint(lane.db);
  }
  if (result.code === 0 && c.afterSuccess) {
    report.roundTrips += 1;
    const failure = await c.afterSuccess(lane, c.value.value);
    if (failure) {
      report.roundTripMismatches += 1;
      problems.push(failure);
    }
    lane.last = await fingerprint(lane.db);
  }
  return problems.map((problem) => `${where}: ${problem}`);
}

/** Deals the cases to the lanes; each lane runs its share one after the other. */
async function campaign(specs: ArgumentSpec[]): Promise<string[]> {
  const cases = casesOf(specs);
  const problems: string[] = [];
  await Promise.all(
    lanes.map(async (lane, l) => {
      for (let i = l; i < cases.length; i += lanes.length) problems.push(...(await runCase(lane, cases[i])));
    }),
  );
  return problems;
}

beforeAll(async () => {
  // The lanes' databases are independent: opened at once.
  lanes.push(...(await Promise.all(Array.from({ length: LANES }, (_, i) => openLane(i)))));
}, 120_000);

afterAll(async () => {
  report.finishedAt = new Date().toISOString();
  report.durationMs = Date.now() - startedAt;
  report.notes = [
    'Accepted as text and stored verbatim (then neutralised on the terminal): SQL fragments, ESC/BEL/CR, right-to-left overrides, C1 controls, zero-width characters, line separators, emoji.',
    'Refused everywhere: empty and blank required values, values over the column length, NUL bytes (argv cannot carry them), U+FFFD (what argv bytes that are not UTF-8 become).',
  ];
  writeReliabilityReport(report);
  await Promise.all(lanes.map((lane) => lane.db.close()));
});

const CAMPAIGN_TIMEOUT_MS = 240_000;

describe('hostile values through every argument', () => {
  it.each([
    ['employee commands', EMPLOYEE],
    ['client commands', CLIENT],
    ['contract commands', CONTRACT],
    ['event commands', EVENT],
    ['login and password change', AUTH],
    ['init, notifications and the audit trail', OTHERS],
  ])(
    'should refuse or store verbatim every hostile value, never crash and never write on a refusal, for the %s',
    async (_group, specs) => {
      expect(await campaign(specs)).toEqual([]);
    },
    CAMPAIGN_TIMEOUT_MS,
  );
});

describe('what a person sees', () => {
  it('should print no ESC byte in `client list` when a client is named with a colour sequence', async () => {
    const lane = lanes[0];
    const created = await lane.users.sales.run(withFlag(clientCreate(lane), '--full-name', '\x1b[31mRed Client\x1b[0m'));
    expect(created.code).toBe(0);
    const list = await lane.users.sales.run(['client', 'list', '--search', 'Red Client']);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain('\x1b');
    expect(list.stdout).toContain('\\u{1b}[3'); // the name is there, made visible (and cut to the column, with "..." in the C locale)
    const show = await lane.users.sales.run(['client', 'show', String(created.json<{ id: number }>().id)]);
    expect(show.stdout).not.toContain('\x1b');
    expect(show.stdout).toContain('\\u{1b}[31mRed Client\\u{1b}[0m');
    lane.last = await fingerprint(lane.db);
  });

  it('should let an employee whose names and email are all at their longest log in and work', async () => {
    const lane = lanes[0];
    // Not the corpus's longest address, which the campaign may already have given to someone.
    const email = `${'m'.repeat(64)}@${'n'.repeat(60)}.${'o'.repeat(60)}.${'p'.repeat(60)}.io`;
    const created = await lane.users.manager.run(
      ['employee', 'create', '--first-name', 'F'.repeat(100), '--last-name', 'L'.repeat(100), '--email', email, '--role', 'SALES', '--password-stdin', '--json'],
      { stdin: `${FACTORY_PASSWORD}\n` },
    );
    expect(created.code).toBe(0);
    const longest = userFor(lane.db, email, { EPICEVENTS_ACCESS_TTL: '2h' });
    await login(longest, FACTORY_PASSWORD);
    const client = await longest.run([
      'client', 'create', '--full-name', 'N'.repeat(150), '--email', email.replace(/^l+/, 'c'.repeat(64)), '--phone', '0612345678', '--company', 'C'.repeat(150), '--json',
    ]);
    expect({ code: client.code, stderr: client.stderr }).toEqual({ code: 0, stderr: '' });
    const [entry] = await lane.db.query<{ actor_label: string }>(`SELECT actor_label FROM audit_log WHERE action = 'client.create' ORDER BY id DESC LIMIT 1`);
    expect(Array.from(entry.actor_label)).toHaveLength(300);
    lane.last = await fingerprint(lane.db);
  });
});
