import { CONTRACT_COMMANDS } from '../../src/commands/contract';
import { EVENT_COMMANDS } from '../../src/commands/event';
import { type EmployeeRow, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { ScriptedPrompter, scriptedRunner } from '../support/scripted-commands';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

/**
 * What a person at a terminal sees: the run functions driven in-process with a scripted prompter
 * (the only fake; the database is real). Checks which values are asked, which choices are offered,
 * and that a refused write is refused before anything is asked.
 */
let sdb: ServiceDatabase;
let managerRow: EmployeeRow;
let salesRow: EmployeeRow;
let kateRow: EmployeeRow;
const run = scriptedRunner(() => sdb, [...CONTRACT_COMMANDS, ...EVENT_COMMANDS]);

beforeAll(async () => {
  sdb = await openServiceDatabase();
  managerRow = await insertEmployee(sdb.sql, { role: 'MANAGEMENT' });
  salesRow = await insertEmployee(sdb.sql, { role: 'SALES' });
  kateRow = await insertEmployee(sdb.sql, { role: 'SUPPORT', firstName: 'Kate', lastName: 'Hastings' });
});
afterAll(async () => sdb.close());

describe('prompts on a terminal', () => {
  it('should ask `contract create` for the client among the most recent clients, and for the total with its validation', async () => {
    const older = await insertClient(sdb.sql, { salesContactId: salesRow.id, fullName: 'Older Client' });
    const recent = await insertClient(sdb.sql, { salesContactId: salesRow.id, fullName: 'Recent Client' });
    await sdb.sql.query(`UPDATE clients SET updated_at = now() - interval '1 day' WHERE id = $1`, [older.id]);
    const prompter = new ScriptedPrompter({ '--client': String(recent.id), '--total': '1200' });
    const result = await run('contract create', managerRow, prompter);
    expect(result.json).toMatchObject({ clientId: recent.id, totalAmount: '1200.00', amountDue: '1200.00' });

    const [client, total] = prompter.asked;
    expect(client.flag).toBe('--client');
    const offered = (await client.search!(undefined)).map((c) => c.value);
    expect(offered.indexOf(String(recent.id))).toBeLessThan(offered.indexOf(String(older.id)));
    expect((await client.search!('older client')).map((c) => c.value)).toContain(String(older.id));
    expect((await client.search!(`#${older.id}`)).map((c) => c.value)[0]).toBe(String(older.id));
    expect(total.flag).toBe('--total');
    expect(total.validate!('12.345')).toMatch(/^total must be an amount/);
    expect(total.validate!('1500.5')).toBeUndefined();
  });

  it('should refuse SALES `contract create` before asking anything', async () => {
    const prompter = new ScriptedPrompter({});
    await expect(run('contract create', salesRow, prompter)).rejects.toMatchObject({ code: 'forbidden' });
    expect(prompter.asked).toEqual([]);
  });

  it('should offer the active SUPPORT employees (and nobody) for a bare `event update --support`', async () => {
    const retired = await insertEmployee(sdb.sql, { role: 'SUPPORT', isActive: false });
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, isSigned: true });
    const event = await insertEvent(sdb.sql, { contractId: contract.id });
    const prompter = new ScriptedPrompter({ '--support': String(kateRow.id) });
    const result = await run('event update', managerRow, prompter, { args: [String(event.id)], options: { support: true } });
    expect(result.json).toMatchObject({ supportContactId: kateRow.id, supportContactName: 'Kate Hastings' });

    const offered = prompter.asked[0].choices!.map((c) => c.value);
    expect(offered).toContain(String(kateRow.id));
    expect(offered).toContain('none');
    expect(offered).not.toContain(String(retired.id));
    expect(offered).not.toContain(String(salesRow.id));
    expect(offered).not.toContain(String(managerRow.id));
  });

  it('should mark the support people busy at the time of the event (its new times when they change) in the `--support` list', async () => {
    const otto = await insertEmployee(sdb.sql, { role: 'SUPPORT', firstName: 'Otto', lastName: 'Brandt' });
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, isSigned: true });
    const gala = await insertEvent(sdb.sql, {
      contractId: contract.id,
      name: 'Spring Gala',
      startAt: new Date('2035-04-01T18:00:00Z'),
      endAt: new Date('2035-04-01T23:00:00Z'),
      supportContactId: kateRow.id,
    });
    const event = await insertEvent(sdb.sql, { contractId: contract.id, startAt: new Date('2035-04-01T23:00:00Z'), endAt: new Date('2035-04-02T01:00:00Z') });
    const label = (prompter: ScriptedPrompter, id: number) => prompter.asked[0].choices!.find((c) => c.value === String(id))!.name;

    // At its own times the event only follows the gala: nobody is busy.
    const free = new ScriptedPrompter({ '--support': String(otto.id) });
    await run('event update', managerRow, free, { args: [String(event.id)], options: { support: true, start: '2035-04-01T23:00Z' } });
    expect(label(free, kateRow.id)).not.toMatch(/busy/);

    // Moved an hour earlier, it overlaps Kate's gala.
    const busy = new ScriptedPrompter({ '--support': String(otto.id) });
    await run('event update', managerRow, busy, { args: [String(event.id)], options: { support: true, start: '2035-04-01T22:00Z' } });
    expect(label(busy, kateRow.id)).toBe(`Kate Hastings <${kateRow.email}> #${kateRow.id} — busy: event ${gala.id} "Spring Gala" (2035-04-01 18:00 to 2035-04-01 23:00 UTC)`);
    expect(label(busy, otto.id)).not.toMatch(/busy/);
  });

  it('should refuse a SUPPORT employee a bare `--support` before showing the list', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id, isSigned: true });
    const event = await insertEvent(sdb.sql, { contractId: contract.id, supportContactId: kateRow.id });
    const prompter = new ScriptedPrompter({});
    await expect(run('event update', kateRow, prompter, { args: [String(event.id)], options: { support: true } })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(prompter.asked).toEqual([]);
  });

  it("should offer a SALES employee only the signed contracts of their own clients for `event create`", async () => {
    const otherSeller = await insertEmployee(sdb.sql, { role: 'SALES' });
    const mine = await insertClient(sdb.sql, { salesContactId: salesRow.id });
    const theirs = await insertClient(sdb.sql, { salesContactId: otherSeller.id });
    const signed = await insertContract(sdb.sql, { clientId: mine.id, salesContactId: salesRow.id, isSigned: true });
    const unsigned = await insertContract(sdb.sql, { clientId: mine.id, salesContactId: salesRow.id });
    const foreign = await insertContract(sdb.sql, { clientId: theirs.id, salesContactId: otherSeller.id, isSigned: true });
    const prompter = new ScriptedPrompter({
      '--contract': String(signed.id),
      '--name': 'Launch party',
      '--start': '2031-09-01 18:00',
      '--end': '2031-09-01 23:00',
      '--location': 'Paris',
      '--attendees': '120',
    });
    const result = await run('event create', salesRow, prompter);
    expect(result.json).toMatchObject({ contractId: signed.id, name: 'Launch party', attendees: 120 });
    for (const term of [undefined, mine.fullName]) {
      const offered = (await prompter.asked[0].search!(term)).map((c) => c.value);
      expect(offered).toContain(String(signed.id));
      expect(offered).not.toContain(String(unsigned.id));
      expect(offered).not.toContain(String(foreign.id));
    }
    const attendees = prompter.asked.find((m) => m.flag === '--attendees')!;
    expect(attendees.validate!('-1')).toMatch(/^attendees must be a whole number/);
    const end = prompter.asked.find((m) => m.flag === '--end')!;
    expect(end.validate!('2031-09-01 17:00')).toBe('end must be after start');
  });

  it('should refuse `event create` before asking anything when none of the caller\'s clients has a signed contract', async () => {
    const newcomer = await insertEmployee(sdb.sql, { role: 'SALES' });
    const client = await insertClient(sdb.sql, { salesContactId: newcomer.id });
    await insertContract(sdb.sql, { clientId: client.id, salesContactId: newcomer.id });
    const prompter = new ScriptedPrompter({});
    const attempt = run('event create', newcomer, prompter);
    await expect(attempt).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/no.* signed contract/) });
    expect(prompter.asked).toEqual([]);
  });

  it('should delete only after a yes, and delete nothing on a no', async () => {
    const client = await insertClient(sdb.sql, { salesContactId: salesRow.id, fullName: 'Doomed Client' });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: salesRow.id });
    const no = new ScriptedPrompter({}, false);
    expect((await run('contract delete', managerRow, no, { args: [String(contract.id)] })).json).toEqual({ deleted: null });
    expect(no.confirmations[0]).toMatch(new RegExp(`contract ${contract.id} of Doomed Client`));
    expect(await sdb.sql.query('SELECT id FROM contracts WHERE id = $1', [contract.id])).toHaveLength(1);

    await run('contract delete', managerRow, new ScriptedPrompter({}, true), { args: [String(contract.id)] });
    expect(await sdb.sql.query('SELECT id FROM contracts WHERE id = $1', [contract.id])).toHaveLength(0);
  });
});
