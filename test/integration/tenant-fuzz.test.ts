import { type CommandSpec } from '../../src/cli/command-spec';
import { CATALOG } from '../../src/commands/catalog';
import { ROLES, type Role } from '../../src/domain/roles';
import { type CliResult, runCli, tempHome } from '../support/cli';
import { FACTORY_PASSWORD, FACTORY_PASSWORD_HASH, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { fingerprint } from '../support/fingerprint';
import { httpRequest, type RunningServer } from '../support/server';
import { isolationDeployments } from '../support/pooled-server';
import { DEFAULT_TENANT_ID, serverUrl, type TestDatabase } from '../support/test-database';

/**
 * Two tenants on one real `epicevents serve`, every command through the real binary: the employees
 * of A (`default`), in each role, give the ids of tenant B's records wherever a command takes an
 * id. Each answer must be the answer for an id that exists nowhere (the same exit code, the same
 * words with the id replaced): B's records do not exist for A, and an answer never tells that
 * they do. Every text of B carries a canary, which no output of A may show, and B's rows are the
 * same afterwards, row for row.
 *
 * The commands and their id inputs come from the catalog (src/commands/catalog.ts): a command
 * added there is fuzzed here, or this file fails until it says what the command needs.
 */

const B_SLUG = 'fuzz-b';
/** In every text of B: its names, emails, company, event texts, notification, audit entry. */
const CANARY = 'zqxcanary';
/** The version of B's records, which none of A's has, for --expected-version. */
const B_VERSION = 7;
/** How many commands run at once (the machine's cores, with the server beside them). */
const CONCURRENCY = 3;

/** What an id input names, and so which of B's records (or numbers) is given to it. */
type Target = 'employee' | 'sales' | 'support' | 'client' | 'contract' | 'event' | 'notification' | 'audit' | 'version' | 'entity';

/** The record a command's positional id names, by noun. */
const NOUN_TARGET: Record<string, Target> = {
  employee: 'employee',
  client: 'client',
  contract: 'contract',
  event: 'event',
  notification: 'notification',
  audit: 'audit',
};

/** The record each id-valued flag names (a flag missing here fails the coverage test). */
const FLAG_TARGET: Record<string, Target | 'noun'> = {
  '--sales': 'sales',
  '--support': 'support',
  '--reassign-to': 'employee',
  '--actor': 'employee',
  '--client': 'client',
  '--contract': 'contract',
  '--cursor': 'noun',
  '--expected-version': 'version',
  '--entity': 'entity',
};

/**
 * What each command needs besides its id inputs to get as far as it can (a change to make, the
 * required flags). Every command with an id input has an entry, empty or not.
 */
const OTHER_ARGS: Record<string, string[]> = {
  'employee list': [],
  'employee show': [],
  'employee update': ['--first-name', 'Changed'],
  'employee deactivate': [],
  'employee reactivate': [],
  'employee reset-password': [],
  'employee delete': [],
  'client list': [],
  'client show': [],
  'client update': ['--company', 'Changed'],
  'client delete': [],
  'client export': ['--csv'],
  'contract list': [],
  'contract show': [],
  'contract create': ['--total', '100'],
  'contract update': ['--total', '2000'],
  'contract sign': [],
  'contract pay': ['--amount', '1'],
  'contract delete': [],
  'contract export': ['--csv'],
  'event list': [],
  'event show': [],
  'event create': ['--name', 'Launch', '--start', '2031-03-01T10:00:00Z', '--end', '2031-03-01T12:00:00Z', '--location', 'Paris', '--attendees', '10', '--notes', 'none'],
  'event update': ['--name', 'Changed'],
  'event delete': [],
  'event export': ['--csv'],
  'notification list': [],
  'notification show': [],
  'notification read': [],
  'audit list': [],
  'audit show': [],
};

/**
 * Flags that are a change by themselves: given alone, so that the command gets as far as the id
 * (MANAGEMENT may reassign a client's owner, not edit its details).
 */
const CHANGE_FLAGS = new Set(['--sales', '--support']);

/** Commands that take no id and read nothing of anybody else's, each for a reason. */
const NO_ID_INPUT: Record<string, string> = {
  'password change': "the caller's own password",
  'employee create': "a new employee: B's email is given to it in the unique-value test",
  'client create': "a new client: B's email is given to it in the unique-value test",
  'client import': 'new clients from a file of the caller',
};

/** Commands that read many records, or the caller's own (whoami, tenant show): run as they are, and looking for the canary (B's company name is one). */
const isReadingMany = (spec: CommandSpec) => /^(\w+ (list|export)|report|whoami|tenant show|notification read)$/.test(spec.name);

/** The commands a tenant's employee runs: those of the catalog that need a session and may go through a server. */
const sessionCommands = () => CATALOG.filter((spec) => spec.auth !== 'none' && !spec.directOnly);

interface IdInput {
  /** `undefined`: the positional argument; else the flag. */
  flag?: string;
  target: Target;
}

/** The id inputs of a command, read from its spec: a positional `<id>`/`[id]`, and flags whose value is an id (or a version, or a cursor). */
function idInputs(spec: CommandSpec): IdInput[] {
  const noun = spec.name.split(' ')[0];
  const inputs: IdInput[] = [];
  if (/[<[]id[>\]]/.test(spec.args ?? '')) inputs.push({ target: NOUN_TARGET[noun] });
  for (const option of spec.options ?? []) {
    const [flag, placeholder = ''] = option.flags.split(' ');
    if (!/id\b|Id\b/.test(placeholder) && flag !== '--expected-version') continue;
    const target = FLAG_TARGET[flag];
    if (target === undefined) throw new Error(`${spec.name}: no B value for ${flag} ${placeholder}; say in FLAG_TARGET which record it names`);
    inputs.push({ flag, target: target === 'noun' ? NOUN_TARGET[noun] : target });
  }
  return inputs;
}

const isWrite = (spec: CommandSpec) => !/ (list|show|export)$/.test(spec.name);

describe.each(isolationDeployments('epicevents_fuzz'))('two tenants, every command of the catalog through the real binary, %s', (_name, deploy, available) => {
  if (!available) {
    it.skip(serverUrl() ? 'needs psql and pgbouncer' : 'needs a PostgreSQL server (TEST_DATABASE_URL)', () => undefined);
    return;
  }
  let db: TestDatabase;
  let server: RunningServer;
  /** A's records that a command with several id inputs gets for the ones not under test. */
  const a = {} as Record<'manager' | 'sales' | 'support' | 'spare' | 'client' | 'contract' | 'event', number>;
  /** B's tenant and records; each record's id + 1 exists nowhere (its sequence value was spent). */
  const b = {} as Record<'tenant' | 'manager' | 'sales' | 'support' | 'client' | 'contract' | 'event' | 'notification' | 'audit', number>;
  const homes = {} as Record<Role, string>;
  const aClients: number[] = [];
  /** B's manager's access token, for B's own reads while A's commands run. */
  let bToken = '';

  const run = (role: Role, args: string[]) => runCli([...args, '--yes'], { env: { EPICEVENTS_HOME: homes[role], DATABASE_URL: undefined, EPICEVENTS_JWT_SECRET: undefined } });

  /** A row of B, written as the superuser with B set, then the table's next id spent so that id + 1 names nothing in any tenant. */
  async function inB(table: string, sql: string, params: unknown[]): Promise<number> {
    await db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(b.tenant)]);
    try {
      const [{ id }] = await db.query<{ id: number }>(sql, params);
      await db.query(`SELECT nextval(pg_get_serial_sequence($1, 'id'))`, [table]);
      return Number(id);
    } finally {
      await db.query(`SELECT set_config('app.tenant_id', $1, false)`, [String(DEFAULT_TENANT_ID)]);
    }
  }

  /** Runs the jobs `CONCURRENCY` at a time, in order of their results. */
  async function inParallel<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
    const results: T[] = new Array(jobs.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < jobs.length) {
          const i = next++;
          results[i] = await jobs[i]();
        }
      }),
    );
    return results;
  }

  /** GETs of B's lists with B's token, round after round until stop(): how many, and any answer that was not exactly B's rows. */
  function readingAsB(): { stop(): Promise<{ requests: number; foreign: string[] }> } {
    const own: Record<string, number[]> = { '/v1/clients': [b.client], '/v1/contracts': [b.contract], '/v1/events': [b.event], '/v1/employees': [b.manager, b.sales, b.support] };
    let stopping = false;
    let requests = 0;
    const foreign: string[] = [];
    const loop = (async () => {
      while (!stopping) {
        for (const [route, ids] of Object.entries(own)) {
          const response = await httpRequest(server.url, 'GET', route, { token: bToken, headers: { 'x-tenant-id': B_SLUG } });
          requests += 1;
          const seen = response.status === 200 ? response.json<{ items: { id: number }[] }>().items.map((item) => item.id) : [];
          if (JSON.stringify(seen) !== JSON.stringify(ids)) foreign.push(`${route}: ${response.status} ${response.text.slice(0, 200)}`);
        }
        // A pause between rounds: the commands of A keep most of the two cores.
        await new Promise((resume) => setTimeout(resume, 25));
      }
    })();
    return {
      stop: async () => {
        stopping = true;
        await loop;
        return { requests, foreign };
      },
    };
  }

  const showsCanary = (result: CliResult) => `${result.stdout}\n${result.stderr}`.toLowerCase().includes(CANARY);

  beforeAll(async () => {
    ({ db, server } = await deploy());
    // Tenant A (`default`): one employee per role, and a record of each kind for the inputs not under test.
    for (const role of ROLES) {
      a[role === 'MANAGEMENT' ? 'manager' : role === 'SALES' ? 'sales' : 'support'] = (await insertEmployee(db, { role, email: `${role.toLowerCase()}@a.example` })).id;
    }
    a.spare = (await insertEmployee(db, { role: 'SALES', email: 'spare@a.example' })).id;
    a.client = (await insertClient(db, { salesContactId: a.sales })).id;
    a.contract = (await insertContract(db, { clientId: a.client, salesContactId: a.sales, isSigned: true, amountDue: '500.00' })).id;
    a.event = (await insertEvent(db, { contractId: a.contract, supportContactId: a.support, startAt: new Date('2031-01-10T10:00:00Z'), endAt: new Date('2031-01-10T18:00:00Z') })).id;
    for (const recipient of [a.manager, a.sales, a.support]) {
      await db.query(`INSERT INTO notifications (recipient_id, kind, message, entity_type, entity_id) VALUES ($1, 'client_assigned', 'A client of A', 'client', $2)`, [recipient, a.client]);
    }
    await db.query(`INSERT INTO audit_log (actor_id, actor_label, action, entity_type, entity_id, changes) VALUES ($1, 'A manager', 'client.update', 'client', $2, '{}')`, [a.manager, a.client]);

    // Tenant B: the canary in every text.
    [{ id: b.tenant }] = await db.query<{ id: number }>(`INSERT INTO tenants (slug, name, plan, status) VALUES ($1, 'Zqxcanary Events', 'ENTERPRISE', 'ACTIVE') RETURNING id::int AS id`, [B_SLUG]);
    const employeeSql = `INSERT INTO employees (first_name, last_name, email, phone, role, password_hash) VALUES ($1, $2, $3, '+33600000000', $4, $5) RETURNING id`;
    for (const role of ROLES) {
      const key = role === 'MANAGEMENT' ? 'manager' : role === 'SALES' ? 'sales' : 'support';
      b[key] = await inB('employees', employeeSql, [`Zqxcanary-${key}`, `Zqxcanary-${role}`, `${CANARY}-${key}@b.example`, role, FACTORY_PASSWORD_HASH]);
    }
    b.client = await inB(
      'clients',
      `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('Zqxcanary Client', '${CANARY}-client@b.example', '+33611111111', 'Zqxcanary Corp', $1) RETURNING id`,
      [b.sales],
    );
    b.contract = await inB(
      'contracts',
      `INSERT INTO contracts (client_id, sales_contact_id, total_amount, amount_due, is_signed, signed_at) VALUES ($1, $2, 9000, 4000, true, now()) RETURNING id`,
      [b.client, b.sales],
    );
    b.event = await inB(
      'events',
      `INSERT INTO events (contract_id, name, start_at, end_at, support_contact_id, location, attendees, notes)
       VALUES ($1, 'Zqxcanary Gala', '2031-01-10T10:00:00Z', '2031-01-10T18:00:00Z', $2, '1 rue Zqxcanary, Paris', 40, 'zqxcanary notes') RETURNING id`,
      [b.contract, b.support],
    );
    b.notification = await inB(
      'notifications',
      `INSERT INTO notifications (recipient_id, kind, message, entity_type, entity_id) VALUES ($1, 'client_assigned', 'Zqxcanary Client is yours', 'client', $2) RETURNING id`,
      [b.sales, b.client],
    );
    b.audit = await inB(
      'audit_log',
      `INSERT INTO audit_log (actor_id, actor_label, action, entity_type, entity_id, changes)
       VALUES ($1, 'Zqxcanary-manager <${CANARY}-manager@b.example>', 'client.update', 'client', $2, '{"companyName":{"before":"Zqxcanary Old","after":"Zqxcanary Corp"}}') RETURNING id`,
      [b.manager, b.client],
    );
    // More of A's records after B's: a page that starts after B's id (--cursor) has rows of A to show.
    const later = {
      client: (await insertClient(db, { salesContactId: a.sales, fullName: 'Later Client' })).id,
      employee: (await insertEmployee(db, { role: 'SUPPORT', email: 'later@a.example' })).id,
    };
    const laterContract = (await insertContract(db, { clientId: later.client, salesContactId: a.sales, isSigned: true })).id;
    await insertEvent(db, { contractId: laterContract, supportContactId: a.support, startAt: new Date('2031-02-10T10:00:00Z'), endAt: new Date('2031-02-10T18:00:00Z') });
    for (const recipient of [a.manager, a.sales, a.support]) {
      await db.query(`INSERT INTO notifications (recipient_id, kind, message, entity_type, entity_id) VALUES ($1, 'client_assigned', 'A later client of A', 'client', $2)`, [recipient, later.client]);
    }
    await db.query(`INSERT INTO audit_log (actor_id, actor_label, action, entity_type, entity_id, changes) VALUES ($1, 'A manager', 'client.update', 'client', $2, '{}')`, [a.manager, later.client]);
    aClients.push(a.client, later.client);

    // B's records at a version A's are not at, given to --expected-version.
    for (const [table, id] of [['employees', b.sales], ['clients', b.client], ['contracts', b.contract], ['events', b.event]] as const) {
      await db.query(`UPDATE ${table} SET version = $1 WHERE id = $2 AND tenant_id = $3`, [B_VERSION, id, b.tenant]);
    }

    const bLogin = await httpRequest(server.url, 'POST', '/v1/auth/login', { body: { email: `${CANARY}-manager@b.example`, password: FACTORY_PASSWORD, tenant: B_SLUG } });
    if (bLogin.status !== 200) throw new Error(`login of B's manager failed: ${bLogin.text}`);
    bToken = bLogin.json<{ accessToken: string }>().accessToken;
    for (const role of ROLES) {
      homes[role] = tempHome();
      const login = await runCli(['login', '--server', server.url, '--email', `${role.toLowerCase()}@a.example`, '--password-stdin'], {
        env: { EPICEVENTS_HOME: homes[role], DATABASE_URL: undefined, EPICEVENTS_JWT_SECRET: undefined },
        stdin: `${FACTORY_PASSWORD}\n`,
      });
      if (login.code !== 0) throw new Error(`login of A's ${role} failed: ${login.stderr}`);
    }
  });

  afterAll(async () => {
    await server?.stop();
    await db?.close();
  });

  it('should know what every command of the catalog takes: its id inputs, or why it takes none', () => {
    const uncovered = sessionCommands()
      .filter((spec) => (idInputs(spec).length > 0 ? !(spec.name in OTHER_ARGS) : !isReadingMany(spec) && !(spec.name in NO_ID_INPUT)))
      .map((spec) => spec.name);
    expect(uncovered).toEqual([]);
    // And nothing here names a command the catalog no longer has.
    const names = new Set(sessionCommands().map((spec) => spec.name));
    expect([...Object.keys(OTHER_ARGS), ...Object.keys(NO_ID_INPUT)].filter((name) => !names.has(name))).toEqual([]);
  });

  it("should answer B's id in every id input, for every role of A, exactly as an id that exists nowhere, and change nothing of B", async () => {
    const before = await fingerprint(db, { tenantId: b.tenant });
    const value = (target: Target, nowhere: boolean): string => {
      if (target === 'version') throw new Error('a version goes with its record: see the cases below');
      if (target === 'entity') return `client:${b.client + (nowhere ? 1 : 0)}`;
      const id = target === 'employee' ? b.sales : b[target];
      return String(id + (nowhere ? 1 : 0));
    };
    const ownRecord: Record<string, number> = { employee: a.spare, client: a.client, contract: a.contract, event: a.event };

    interface Case {
      role: Role;
      spec: CommandSpec;
      input: IdInput;
      args: (nowhere: boolean) => string[];
      /** The number given for B's record, and the one that exists nowhere. */
      ids: [string, string];
    }
    const cases: Case[] = [];
    for (const spec of sessionCommands()) {
      const inputs = idInputs(spec);
      const noun = spec.name.split(' ')[0];
      const positional = inputs.find((input) => input.flag === undefined);
      for (const input of inputs) {
        for (const role of ROLES) {
          if (input.flag === undefined) {
            cases.push({ role, spec, input, args: (nowhere) => [...spec.name.split(' '), value(input.target, nowhere), ...OTHER_ARGS[spec.name]], ids: [value(input.target, false), value(input.target, true)] });
          } else if (input.target === 'version') {
            // B's record at its version: were it visible, the change would pass.
            const record = positional ? positional.target : noun;
            cases.push({
              role,
              spec,
              input,
              args: (nowhere) => [...spec.name.split(' '), value(record as Target, nowhere), ...OTHER_ARGS[spec.name], input.flag as string, String(B_VERSION)],
              ids: [value(record as Target, false), value(record as Target, true)],
            });
          } else {
            const own = positional ? [String(ownRecord[noun])] : [];
            cases.push({
              role,
              spec,
              input,
              args: (nowhere) => [
                ...spec.name.split(' '),
                ...own,
                ...(isWrite(spec) && CHANGE_FLAGS.has(input.flag as string) ? [] : OTHER_ARGS[spec.name]),
                input.flag as string,
                value(input.target, nowhere),
              ],
              ids: [value(input.target, false).replace(/^client:/, ''), value(input.target, true).replace(/^client:/, '')],
            });
          }
        }
      }
    }

    // Meanwhile B reads its own records, so that both tenants' transactions take turns on the
    // server's connections (and behind PgBouncer on its two sessions): B sees only B's.
    const bReads = readingAsB();
    const answers = await inParallel(cases.map((c) => async () => ({ c, ofB: await run(c.role, c.args(false)), nowhere: await run(c.role, c.args(true)) })));
    const bSaw = await bReads.stop();
    expect(bSaw.requests).toBeGreaterThan(10);
    expect(bSaw.foreign).toEqual([]);
    const problems: string[] = [];
    for (const { c, ofB, nowhere } of answers) {
      const what = `${c.role}: epicevents ${c.args(false).join(' ')}`;
      const [idOfB, idNowhere] = c.ids;
      // The messages name the id given; what a command prints on success (a page of A's rows) is the same text.
      const asB = (text: string) => text.replace(new RegExp(`\\b${idNowhere}\\b`, 'g'), idOfB);
      if (ofB.code !== nowhere.code || ofB.stderr !== asB(nowhere.stderr) || ofB.stdout !== nowhere.stdout) {
        problems.push(`${what}\n  B's id: exit ${ofB.code} ${ofB.stderr.trim()}\n${ofB.stdout}\n  nowhere: exit ${nowhere.code} ${nowhere.stderr.trim()}\n${nowhere.stdout}`);
      }
      if (showsCanary(ofB)) problems.push(`${what}\n  shows B's data: ${ofB.stdout}${ofB.stderr}`);
      if (isWrite(c.spec) && ofB.code === 0) problems.push(`${what}\n  succeeded`);
      // A record looked up by its id: not found, or refused to the role whatever the record.
      if (c.input.flag === undefined && ![4, 5].includes(ofB.code as number)) problems.push(`${what}\n  exit ${ofB.code}, not 4 or 5: ${ofB.stderr.trim()}`);
    }
    expect(problems).toEqual([]);
    // Pages after B's id: A's later rows, as after the id that exists nowhere.
    const page = answers.find(({ c }) => c.role === 'MANAGEMENT' && c.spec.name === 'client list' && c.input.flag === '--cursor');
    expect(page?.ofB.stdout).toMatch(new RegExp(`^\\|\\s*${aClients[1]} \\| Later Cl`, 'm'));
    // The cases ran: every role, and as many commands as the catalog has with id inputs.
    expect(answers.length).toBeGreaterThanOrEqual(3 * Object.keys(OTHER_ARGS).length);
    expect(await fingerprint(db, { tenantId: b.tenant })).toEqual(before);
  });

  it('should show no text of B in any list, export, report or notification of any role of A, searched for or not', async () => {
    const before = await fingerprint(db, { tenantId: b.tenant });
    const readers = sessionCommands().filter(isReadingMany);
    const variants = (spec: CommandSpec): string[][] => {
      const command = spec.name.split(' ');
      if (spec.name === 'notification read') return [[...command, '--all']];
      const searchable = (spec.options ?? []).some((option) => option.flags.startsWith('--search'));
      // An export has one format, CSV; the others print a table, or JSON.
      const formats = spec.name.endsWith(' export') ? [[...command, '--csv']] : [command, [...command, '--json']];
      return [...formats, ...(searchable ? formats.flatMap((format) => [[...format, '--search', CANARY], [...format, '--search', 'Zqxcanary Corp']]) : [])];
    };
    const cases = readers.flatMap((spec) => ROLES.flatMap((role) => variants(spec).map((args) => ({ role, args }))));
    const answers = await inParallel(cases.map(({ role, args }) => async () => ({ role, args, result: await run(role, args) })));
    const problems = answers.flatMap(({ role, args, result }) => {
      const what = `${role}: epicevents ${args.join(' ')}`;
      return [
        ...(showsCanary(result) ? [`${what}\n  shows B's data: ${result.stdout}${result.stderr}`] : []),
        // A role may be refused a reading (audit, report of another module), never anything else.
        ...(result.code === 0 || result.code === 4 ? [] : [`${what}\n  exit ${result.code}: ${result.stderr.trim()}`]),
      ];
    });
    expect(problems).toEqual([]);
    // The reads did read: A's clients, all of them and nothing else.
    const clients = answers.find(({ role, args }) => role === 'MANAGEMENT' && args.join(' ') === 'client list --json');
    expect(clients?.result.json<{ id: number }[]>().map((client) => client.id)).toEqual(aClients);
    // The management reads the most: every reading is open to it.
    expect(answers.filter(({ role, result }) => role === 'MANAGEMENT' && result.code !== 0).map(({ args }) => args.join(' '))).toEqual([]);
    expect(await fingerprint(db, { tenantId: b.tenant })).toEqual(before);
  });

  it("should let A use B's unique values (emails) exactly as values nobody has", async () => {
    const before = await fingerprint(db, { tenantId: b.tenant });
    const creations: [string, (email: string) => string[]][] = [
      [`${CANARY}-manager@b.example`, (email) => ['employee', 'create', '--first-name', 'New', '--last-name', 'Hire', '--email', email, '--role', 'SUPPORT']],
      [`${CANARY}-client@b.example`, (email) => ['client', 'create', '--full-name', 'New Client', '--email', email, '--phone', '+33622222222', '--company', 'New Co']],
    ];
    for (const role of ROLES) {
      for (const [emailOfB, command] of creations) {
        const ofB = await run(role, command(emailOfB));
        const fresh = await run(role, command(`fresh-${role.toLowerCase()}@a.example`));
        // A creates its own record, or is refused as for any email: B's never shows.
        const what = `${role}: epicevents ${command(emailOfB).join(' ')}`;
        expect({ what, code: ofB.code, stderr: ofB.stderr.replace(emailOfB, 'EMAIL') }).toEqual({ what, code: fresh.code, stderr: fresh.stderr.replace(/fresh-\S+@a\.example/, 'EMAIL') });
      }
    }
    expect(await fingerprint(db, { tenantId: b.tenant })).toEqual(before);
  });
});
