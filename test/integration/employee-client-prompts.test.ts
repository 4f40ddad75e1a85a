import { PassThrough } from 'node:stream';
import { login } from '../../src/auth/session.service';
import { type CommandInput } from '../../src/cli/command-spec';
import { CommandContext } from '../../src/cli/context';
import { type MissingValue, type Prompter } from '../../src/cli/prompter';
import { CLIENT_COMMANDS } from '../../src/commands/client';
import { EMPLOYEE_COMMANDS } from '../../src/commands/employee';
import { type Database } from '../../src/database/database';
import { Output } from '../../src/output/output';
import { snapshot } from '../support/assertions';
import { TEST_JWT_SECRET } from '../support/cli';
import { type EmployeeRow, FACTORY_PASSWORD, insertClient, insertEmployee } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

/**
 * A person at a terminal: the run functions in-process with a scripted prompter (the only fake;
 * the database and the session token are real). Checks what is asked, with which choices and
 * validation, and that a refused caller is refused before any question.
 */
class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  asked: MissingValue[] = [];
  confirmations: string[] = [];
  constructor(
    private readonly answers: Record<string, string>,
    private readonly confirmation = true,
  ) {}
  async ask(missing: MissingValue[]): Promise<Record<string, string>> {
    this.asked.push(...missing);
    return Object.fromEntries(missing.map((m) => [m.flag, this.answers[m.flag]]));
  }
  async confirm(message: string): Promise<boolean> {
    this.confirmations.push(message);
    return this.confirmation;
  }
  async newPassword(): Promise<string> {
    throw new Error('not asked here');
  }
}

class TestContext extends CommandContext {
  constructor(
    prompter: Prompter,
    env: NodeJS.ProcessEnv,
    private readonly testDatabase: Database,
  ) {
    const output = new Output({ stdout: new PassThrough(), stderr: new PassThrough() }, { json: true, color: false });
    super('test', { json: true, color: false, yes: false }, output, prompter, env);
  }
  override db(): Promise<Database> {
    return Promise.resolve(this.testDatabase);
  }
  override async close(): Promise<void> {}
}

let sdb: ServiceDatabase;
let managerRow: EmployeeRow;
let salesRow: EmployeeRow;
let supportRow: EmployeeRow;
const tokens = new Map<number, string>();

async function run(command: string, who: EmployeeRow, prompter: Prompter, input: Partial<CommandInput> = {}) {
  const spec = [...EMPLOYEE_COMMANDS, ...CLIENT_COMMANDS].find((s) => s.name === command);
  if (!spec) throw new Error(`no command ${command}`);
  let token = tokens.get(who.id);
  if (!token) {
    const settings = { secret: TEST_JWT_SECRET, accessTtlSeconds: 900, refreshTtlSeconds: 3600 };
    token = (await login(sdb.db, who.email, FACTORY_PASSWORD, settings)).access.token;
    tokens.set(who.id, token);
  }
  const env = { ...sdb.testDb.env, EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET, EPICEVENTS_TOKEN: token, EPICEVENTS_KEYCHAIN: 'off' };
  const runFunction = await spec.load();
  return runFunction(new TestContext(prompter, env, sdb.db), { args: input.args ?? [], options: input.options ?? {} });
}

beforeAll(async () => {
  sdb = await openServiceDatabase();
  managerRow = await insertEmployee(sdb.sql, { role: 'MANAGEMENT' });
  salesRow = await insertEmployee(sdb.sql, { role: 'SALES' });
  supportRow = await insertEmployee(sdb.sql, { role: 'SUPPORT' });
});
afterAll(async () => sdb.close());

describe('prompts on a terminal', () => {
  it('should ask `client create` only for the missing fields, each with its validation', async () => {
    const prompter = new ScriptedPrompter({ '--email': 'prompted@startup.io', '--phone': '06 12 34 56 78' });
    const result = await run('client create', salesRow, prompter, { options: { fullName: 'Kevin Casey', company: 'Cool Startup LLC' } });
    expect(result.json).toMatchObject({ fullName: 'Kevin Casey', email: 'prompted@startup.io', phone: '+33612345678', salesContactId: salesRow.id });
    expect(prompter.asked.map((m) => m.flag)).toEqual(['--email', '--phone']);
    const [email, phone] = prompter.asked;
    expect(email.validate!('nope')).toMatch(/valid email/);
    expect(email.validate!('ok@startup.io')).toBeUndefined();
    expect(phone.validate!('12')).toMatch(/valid phone number/);
  });

  it('should refuse `client create` by SUPPORT before asking anything', async () => {
    const prompter = new ScriptedPrompter({});
    await expect(run('client create', supportRow, prompter)).rejects.toMatchObject({ code: 'forbidden' });
    expect(prompter.asked).toEqual([]);
  });

  it('should offer the role of `employee create` as a list and print the one-time password', async () => {
    const prompter = new ScriptedPrompter({
      '--first-name': 'Prompted',
      '--last-name': 'Person',
      '--email': 'prompted.person@epic.events',
      '--role': 'SUPPORT',
    });
    const result = await run('employee create', managerRow, prompter);
    expect(result.json).toMatchObject({ email: 'prompted.person@epic.events', role: 'SUPPORT', oneTimePassword: expect.any(String) });
    const role = prompter.asked.find((m) => m.flag === '--role');
    expect(role?.choices?.map((c) => c.value)).toEqual(['MANAGEMENT', 'SALES', 'SUPPORT']);
  });

  it('should refuse `employee create` by SALES before asking anything', async () => {
    const prompter = new ScriptedPrompter({});
    await expect(run('employee create', salesRow, prompter)).rejects.toMatchObject({ code: 'forbidden' });
    expect(prompter.asked).toEqual([]);
  });

  it('should ask before deleting a client, and delete nothing on a no', async () => {
    const target = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const before = await snapshot(sdb.sql);
    const no = new ScriptedPrompter({}, false);
    await expect(run('client delete', managerRow, no, { args: [String(target.id)] })).rejects.toMatchObject({ code: 'cancelled' });
    expect(no.confirmations).toEqual([`Delete client ${target.id}? This cannot be undone.`]);
    expect(await snapshot(sdb.sql)).toEqual(before);
    const yes = new ScriptedPrompter({}, true);
    expect((await run('client delete', managerRow, yes, { args: [String(target.id)] })).json).toMatchObject({ deleted: { id: target.id } });
  });

  it('should not ask SALES to confirm a delete they may not do', async () => {
    const target = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const prompter = new ScriptedPrompter({}, true);
    await expect(run('client delete', salesRow, prompter, { args: [String(target.id)] })).rejects.toMatchObject({ code: 'forbidden' });
    expect(prompter.confirmations).toEqual([]);
  });

  it('should name the heir in the confirmation of `employee delete --reassign-to`', async () => {
    const leaving = await insertEmployee(sdb.sql, { role: 'SALES' });
    const heir = await insertEmployee(sdb.sql, { role: 'SALES' });
    await insertClient(sdb.sql, { salesContactId: leaving.id });
    const prompter = new ScriptedPrompter({}, true);
    const result = await run('employee delete', managerRow, prompter, { args: [String(leaving.id)], options: { reassignTo: String(heir.id) } });
    expect(prompter.confirmations[0]).toMatch(new RegExp(`employee ${leaving.id} \\(their records go to employee ${heir.id}\\)`));
    expect(result.json).toMatchObject({ reassignedTo: heir.id, handedOver: { clients: 1, contracts: 0, events: 0 } });
  });
});
