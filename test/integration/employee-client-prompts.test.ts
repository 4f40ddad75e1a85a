import { CLIENT_COMMANDS } from '../../src/commands/client';
import { EMPLOYEE_COMMANDS } from '../../src/commands/employee';
import { snapshot } from '../support/assertions';
import { type EmployeeRow, insertClient, insertEmployee } from '../support/factories';
import { ScriptedPrompter, scriptedRunner } from '../support/scripted-commands';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

/**
 * A person at a terminal: the run functions in-process with a scripted prompter (the only fake;
 * the database and the session token are real). Checks what is asked, with which choices and
 * validation, and that a refused caller is refused before any question.
 */
let sdb: ServiceDatabase;
let managerRow: EmployeeRow;
let salesRow: EmployeeRow;
let supportRow: EmployeeRow;
const run = scriptedRunner(() => sdb, [...EMPLOYEE_COMMANDS, ...CLIENT_COMMANDS]);

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
    const target = await insertClient(sdb.sql, { salesContactId: salesRow.id, fullName: 'Kevin Casey', companyName: 'Cool Startup LLC' });
    const before = await snapshot(sdb.sql);
    const no = new ScriptedPrompter({}, false);
    expect((await run('client delete', managerRow, no, { args: [String(target.id)] })).json).toEqual({ deleted: null });
    expect(no.confirmations).toEqual([`Delete client ${target.id}, Kevin Casey of Cool Startup LLC? This cannot be undone.`]);
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
    expect(prompter.confirmations[0]).toMatch(new RegExp(`employee ${leaving.id}, .* <${leaving.email}> \\(their records go to employee ${heir.id}\\)`));
    expect(result.json).toMatchObject({ reassignedTo: heir.id, handedOver: { clients: 1, contracts: 0, events: 0 } });
  });
});
