import { CLIENT_JSON_KEYS, EMPLOYEE_JSON_KEYS } from '../../src/output/json-values';
import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { initManager, loggedIn, login, type TestUser, userFor } from '../support/users';
import { expectOneLineError } from '../support/assertions';

/**
 * The employee and client commands through the real binary, as a user or a script sees them:
 * exit codes, one JSON document on stdout, one-line errors on stderr, nothing written on failure.
 */
let db: TestDatabase;
let manager: TestUser;
let sales: TestUser & { id: number };
let support: TestUser & { id: number };

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params);
  return Number(row.n);
}

beforeAll(async () => {
  db = await createTestDatabase();
  manager = await initManager(db);
  sales = await loggedIn(db, 'SALES', 'bill@epic.events');
  support = await loggedIn(db, 'SUPPORT', 'kate@epic.events');
});
afterAll(async () => db.close());

describe('employee commands', () => {
  it('should create an employee with a one-time password shown once in the JSON, who must change it after login', async () => {
    const result = await manager.run(
      ['employee', 'create', '--first-name', 'Nina', '--last-name', 'Simone', '--email', 'nina@epic.events', '--role', 'SUPPORT', '--json'],
    );
    expect(result.code).toBe(0);
    const json = result.json<Record<string, unknown>>();
    expect(Object.keys(json)).toEqual([...EMPLOYEE_JSON_KEYS, 'oneTimePassword']);
    expect(json).toMatchObject({ email: 'nina@epic.events', role: 'SUPPORT', isActive: true, mustChangePassword: true, phone: null });
    expect(typeof json.id).toBe('number');
    expect(json.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(result.stderr).toMatch(/shown only this once/);

    const nina = userFor(db, 'nina@epic.events');
    await login(nina, String(json.oneTimePassword));
    expectOneLineError(await nina.run(['client', 'list']), 3, /must change your password/);
  });

  it('should exit 2 naming the missing flags when not on a terminal, and write nothing', async () => {
    const before = await count('employees');
    expectOneLineError(await manager.run(['employee', 'create', '--first-name', 'Only']), 2, /missing --last-name, --email, --role/);
    expect(await count('employees')).toBe(before);
  });

  it('should refuse a weak password from stdin with exit 2 naming the rule', async () => {
    const result = await manager.run(
      ['employee', 'create', '--first-name', 'W', '--last-name', 'K', '--email', 'weak@epic.events', '--role', 'SALES', '--password-stdin'],
      { stdin: 'short\n' },
    );
    expectOneLineError(result, 2, /at least 12 characters/);
    expect(await count('employees WHERE email = $1', ['weak@epic.events'])).toBe(0);
  });

  // With flags missing off a terminal, the parse step's exit 2 comes first: every flag is given here.
  it('should refuse SALES with exit 4 and create no one, with the JSON error on stderr', async () => {
    const args = ['employee', 'create', '--first-name', 'Sam', '--last-name', 'Refused', '--email', 'refused-by-role@epic.events', '--role', 'SALES', '--json'];
    const result = await sales.run(args);
    expect(await count('employees WHERE email = $1', ['refused-by-role@epic.events'])).toBe(0);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'forbidden', message: 'permission denied: SALES cannot create an employee (MANAGEMENT can)' } });
  });

  it('should refuse a duplicate email in another case with exit 6', async () => {
    const result = await manager.run(['employee', 'create', '--first-name', 'B', '--last-name', 'B', '--email', 'BILL@epic.events', '--role', 'SALES']);
    expectOneLineError(result, 6, /an employee with the email BILL@epic.events already exists/);
  });

  it('should list employees as a JSON array and give the next cursor on stderr', async () => {
    const result = await support.run(['employee', 'list', '--limit', '2', '--json']);
    expect(result.code).toBe(0);
    const rows = result.json<{ id: number }[]>();
    expect(rows).toHaveLength(2);
    expect(result.stderr).toBe(`next page: --cursor ${rows[1].id}\n`);
    const next = await support.run(['employee', 'list', '--limit', '2', '--cursor', String(rows[1].id), '--json']);
    expect(next.json<{ id: number }[]>()[0].id).toBeGreaterThan(rows[1].id);
  });

  it('should filter by role and show a table on a pipe', async () => {
    const result = await sales.run(['employee', 'list', '--role', 'support']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/kate@epic\.events/);
    expect(result.stdout).not.toMatch(/bill@epic\.events/);
    expectOneLineError(await sales.run(['employee', 'list', '--role', 'boss']), 2, /--role must be one of MANAGEMENT, SALES, SUPPORT/);
  });

  it('should exit 5 for an unknown employee and 2 for a malformed id', async () => {
    expectOneLineError(await sales.run(['employee', 'show', '99999']), 5, /employee 99999 not found/);
    expectOneLineError(await sales.run(['employee', 'show', 'abc']), 2, /employee id must be a positive whole number/);
  });

  it('should end a deactivated employee\'s access at once, and give it back on reactivation', async () => {
    const temp = await loggedIn(db, 'SUPPORT', 'temp@epic.events');
    const result = await manager.run(['employee', 'deactivate', String(temp.id), '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ id: temp.id, isActive: false });
    expectOneLineError(await temp.run(['employee', 'list']), 3, /session was ended|deactivated/);
    expect((await manager.run(['employee', 'reactivate', String(temp.id)])).code).toBe(0);
    await login(temp, FACTORY_PASSWORD);
    expect((await temp.run(['employee', 'list'])).code).toBe(0);
  });

  it('should deactivate a salesperson who still owns clients, saying how many and which command hands them over', async () => {
    const leaving = await insertEmployee(db, { role: 'SALES' });
    const first = await insertClient(db, { salesContactId: leaving.id });
    await insertClient(db, { salesContactId: leaving.id });
    await insertContract(db, { clientId: first.id, salesContactId: leaving.id });
    const result = await manager.run(['employee', 'deactivate', String(leaving.id), '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ id: leaving.id, isActive: false });
    expect(result.stderr.trim()).toBe(
      `warning: employee ${leaving.id} still owns 2 clients, 1 contract: hand them over with \`epicevents client update <client id> --sales <id of an active SALES employee>\`, or all at once with \`epicevents employee delete ${leaving.id} --reassign-to <id>\``,
    );
    const quiet = await insertEmployee(db, { role: 'SALES' });
    const alone = await manager.run(['employee', 'deactivate', String(quiet.id)]);
    expect(alone.code).toBe(0);
    expect(alone.stderr).toBe('');
  });

  it('should refuse to deactivate oneself with exit 6', async () => {
    const [{ id }] = await db.query<{ id: number }>('SELECT id FROM employees WHERE email = $1', [manager.email]);
    expectOneLineError(await manager.run(['employee', 'deactivate', String(id)]), 6, /you cannot deactivate yourself/);
  });

  it('should reset a password: one-time password in the JSON, the old sessions revoked', async () => {
    const target = await loggedIn(db, 'SALES', 'reset-me@epic.events');
    const result = await manager.run(['employee', 'reset-password', String(target.id), '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ id: target.id, mustChangePassword: true, oneTimePassword: expect.stringMatching(/^[A-Za-z0-9]{20}$/) });
    expectOneLineError(await target.run(['client', 'list']), 3, /session was ended/);
  });

  it('should need --yes to delete when not on a terminal, then delete', async () => {
    const doomed = await insertEmployee(db, { role: 'SUPPORT' });
    expectOneLineError(await manager.run(['employee', 'delete', String(doomed.id)]), 2, /--yes is required when not running interactively/);
    expect(await count('employees WHERE id = $1', [doomed.id])).toBe(1);
    const result = await manager.run(['employee', 'delete', String(doomed.id), '--yes', '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ deleted: { id: doomed.id }, reassignedTo: null });
    expect(await count('employees WHERE id = $1', [doomed.id])).toBe(0);
  });

  it('should refuse to delete a salesperson with clients unless --reassign-to, then hand them over', async () => {
    const leaving = await insertEmployee(db, { role: 'SALES' });
    const owned = await insertClient(db, { salesContactId: leaving.id });
    expectOneLineError(await manager.run(['employee', 'delete', String(leaving.id), '-y']), 6, /still has 1 client.*--reassign-to/);
    const result = await manager.run(['employee', 'delete', String(leaving.id), '--reassign-to', String(sales.id), '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1 client\(s\), 0 contract\(s\) and 0 event\(s\) now belong to employee/);
    expect(await db.query('SELECT sales_contact_id FROM clients WHERE id = $1', [owned.id])).toEqual([{ sales_contact_id: sales.id }]);
  });
});

describe('client commands', () => {
  it('should create a client owned by the SALES caller, with the documented JSON keys', async () => {
    const result = await sales.run([
      'client',
      'create',
      '--full-name',
      'Kevin Casey',
      '--email',
      'kevin@startup.io',
      '--phone',
      '+33 6 12 34 56 78',
      '--company',
      'Cool Startup LLC',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const json = result.json<Record<string, unknown>>();
    expect(Object.keys(json)).toEqual([...CLIENT_JSON_KEYS]);
    expect(json).toMatchObject({ fullName: 'Kevin Casey', phone: '+33612345678', salesContactId: sales.id, version: 1 });
    expect(json.salesContactName).toMatch(/^Test Employee/);
    expect(result.stderr).toBe('');
  });

  it('should exit 2 naming the missing flags when not on a terminal', async () => {
    expectOneLineError(await sales.run(['client', 'create', '--full-name', 'No Flags']), 2, /missing --email, --phone, --company/);
  });

  it('should refuse MANAGEMENT and SUPPORT creating a client with exit 4', async () => {
    const args = ['client', 'create', '--full-name', 'A', '--email', 'a@b.io', '--phone', '0612345678', '--company', 'C'];
    expectOneLineError(await manager.run(args), 4, /permission denied: MANAGEMENT cannot create a client/);
    expectOneLineError(await support.run(args), 4, /permission denied: SUPPORT cannot create a client/);
    expect(await count('clients WHERE email = $1', ['a@b.io'])).toBe(0);
  });

  it('should refuse a duplicate client email with exit 6 and a malformed phone with exit 2', async () => {
    const base = ['client', 'create', '--full-name', 'Dup', '--company', 'Dup'];
    expectOneLineError(await sales.run([...base, '--email', 'KEVIN@startup.io', '--phone', '0612345678']), 6, /already exists/);
    expectOneLineError(await sales.run([...base, '--email', 'new@startup.io', '--phone', '12']), 2, /phone must be a valid phone number/);
  });

  it('should search and filter the list; --mine is for SALES', async () => {
    const search = await support.run(['client', 'list', '--search', 'cool STARTUP', '--json']);
    expect(search.code).toBe(0);
    expect(search.json<{ email: string }[]>().map((c) => c.email)).toEqual(['kevin@startup.io']);
    const mine = await sales.run(['client', 'list', '--mine', '--json']);
    expect(mine.json<{ salesContactId: number }[]>().every((c) => c.salesContactId === sales.id)).toBe(true);
    expectOneLineError(await manager.run(['client', 'list', '--mine']), 2, /--mine lists the clients a SALES employee owns/);
    const none = await support.run(['client', 'list', '--search', '100%', '--json']);
    expect(none.json()).toEqual([]);
  });

  it('should update a client, refuse a stale --expected-version (exit 6) and another salesperson (exit 4)', async () => {
    const [{ id }] = await db.query<{ id: number }>('SELECT id FROM clients WHERE email = $1', ['kevin@startup.io']);
    const updated = await sales.run(['client', 'update', String(id), '--company', 'Cool Startup SAS', '--expected-version', '1', '--json']);
    expect(updated.code).toBe(0);
    expect(updated.json()).toMatchObject({ companyName: 'Cool Startup SAS', version: 2 });
    const stale = await sales.run(['client', 'update', String(id), '--company', 'Stale', '--expected-version', '1', '--json']);
    expect(stale.code).toBe(6);
    expect(JSON.parse(stale.stderr).error).toMatchObject({ code: 'conflict', message: `client ${id} was changed by someone else; show it again and retry` });
    const other = await loggedIn(db, 'SALES', 'other-sales@epic.events');
    expectOneLineError(await other.run(['client', 'update', String(id), '--company', 'Mine now']), 4, /unless the client is theirs/);
    expect(await db.query('SELECT company_name FROM clients WHERE id = $1', [id])).toEqual([{ company_name: 'Cool Startup SAS' }]);
  });

  it('should let MANAGEMENT reassign the owner only', async () => {
    const heir = await insertEmployee(db, { role: 'SALES', firstName: 'Heir', lastName: 'Apparent' });
    const target = await insertClient(db, { salesContactId: sales.id });
    expectOneLineError(await manager.run(['client', 'update', String(target.id), '--full-name', 'X']), 4, /MANAGEMENT cannot update a client's details/);
    const result = await manager.run(['client', 'update', String(target.id), '--sales', String(heir.id), '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ salesContactId: heir.id, salesContactName: 'Heir Apparent' });
    expectOneLineError(await manager.run(['client', 'update', String(target.id), '--sales', String(support.id)]), 6, /must be a SALES employee/);
  });

  it("should move a reassigned client's contracts to the new owner, audited and notified, so the old owner owns nothing", async () => {
    const before = await insertEmployee(db, { role: 'SALES', firstName: 'Old', lastName: 'Owner' });
    const after = await insertEmployee(db, { role: 'SALES', firstName: 'New', lastName: 'Owner' });
    const target = await insertClient(db, { salesContactId: before.id, fullName: 'Moving Client' });
    const unsigned = await insertContract(db, { clientId: target.id, salesContactId: before.id });
    const signed = await insertContract(db, { clientId: target.id, salesContactId: before.id, isSigned: true });
    const elsewhere = await insertContract(db, { clientId: (await insertClient(db, { salesContactId: before.id })).id, salesContactId: before.id });

    expect((await manager.run(['client', 'update', String(target.id), '--sales', String(after.id)])).code).toBe(0);
    const owners = await db.query<{ id: number; sales_contact_id: number; version: number }>(
      'SELECT id, sales_contact_id, version FROM contracts WHERE id = ANY($1::int[]) ORDER BY id',
      [[unsigned.id, signed.id, elsewhere.id]],
    );
    expect(owners).toEqual([
      { id: unsigned.id, sales_contact_id: after.id, version: 2 },
      { id: signed.id, sales_contact_id: after.id, version: 2 },
      { id: elsewhere.id, sales_contact_id: before.id, version: 1 },
    ]);
    const shown = (await manager.run(['contract', 'show', String(unsigned.id), '--json'])).json<{ salesContactId: number; salesContactName: string }>();
    expect(shown).toMatchObject({ salesContactId: after.id, salesContactName: 'New Owner' });
    const audit = await db.query<{ entity_id: number; changes: unknown }>(
      `SELECT entity_id, changes FROM audit_log WHERE action = 'contract.update' AND entity_id = ANY($1::int[]) ORDER BY entity_id`,
      [[unsigned.id, signed.id, elsewhere.id]],
    );
    expect(audit).toEqual([unsigned.id, signed.id].map((id) => ({ entity_id: id, changes: { salesContactId: { before: before.id, after: after.id } } })));
    const notices = await db.query<{ recipient_id: number; kind: string; entity_id: number }>(
      `SELECT recipient_id, kind, entity_id FROM notifications WHERE entity_type = 'contract' AND entity_id = ANY($1::int[]) ORDER BY entity_id`,
      [[unsigned.id, signed.id]],
    );
    expect(notices).toEqual([unsigned.id, signed.id].map((id) => ({ recipient_id: after.id, kind: 'contract_assigned', entity_id: id })));

    // The signature now notifies the new owner, and the old one can leave without a hand-over.
    expect((await manager.run(['contract', 'sign', String(unsigned.id)])).code).toBe(0);
    expect(await count(`notifications WHERE kind = 'contract_signed' AND entity_id = $1 AND recipient_id = $2`, [unsigned.id, after.id])).toBe(1);
    expect(await count(`notifications WHERE recipient_id = $1`, [before.id])).toBe(0);
    await db.query('DELETE FROM contracts WHERE id = $1', [elsewhere.id]);
    await db.query('DELETE FROM clients WHERE sales_contact_id = $1', [before.id]);
    expect((await manager.run(['employee', 'delete', String(before.id), '--yes'])).code).toBe(0);
  });

  it('should delete a client only with --yes off a terminal, and never one with contracts', async () => {
    const lonely = await insertClient(db, { salesContactId: sales.id });
    const busy = await insertClient(db, { salesContactId: sales.id });
    await insertContract(db, { clientId: busy.id, salesContactId: sales.id });
    expectOneLineError(await manager.run(['client', 'delete', String(lonely.id)]), 2, /--yes is required/);
    expectOneLineError(await sales.run(['client', 'delete', String(lonely.id), '--yes']), 4, /permission denied/);
    expectOneLineError(await manager.run(['client', 'delete', String(busy.id), '--yes']), 6, /has 1 contract and cannot be deleted/);
    const result = await manager.run(['client', 'delete', String(lonely.id), '--yes', '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ deleted: { id: lonely.id } });
    expect(await count('clients WHERE id = ANY($1)', [[lonely.id, busy.id]])).toBe(1);
  });

  it('should show a client as a record on a pipe and exit 5 for an unknown one', async () => {
    const [{ id }] = await db.query<{ id: number }>('SELECT id FROM clients WHERE email = $1', ['kevin@startup.io']);
    const result = await support.run(['client', 'show', String(id)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/full name\s+Kevin Casey/);
    expect(result.stdout).not.toMatch(/\x1b\[/); // eslint-disable-line no-control-regex
    expectOneLineError(await support.run(['client', 'show', '424242']), 5, /client 424242 not found/);
  });

  it('should exit 3 when nobody is logged in', async () => {
    expectOneLineError(await userFor(db, 'nobody@epic.events').run(['client', 'list']), 3, /not logged in/);
  });

  it('should refuse a too long or blank --search with exit 2 before asking for a session', async () => {
    const nobody = userFor(db, 'nobody@epic.events');
    expectOneLineError(await nobody.run(['client', 'list', '--search', 'z'.repeat(151)]), 2, /^error: --search must be at most 150 characters \(got 151\)/);
    expectOneLineError(await nobody.run(['client', 'export', '--csv', '--search', '  ']), 2, /^error: --search cannot be empty/);
    // 150 characters pass the parse step: the session is what is missing then.
    expectOneLineError(await nobody.run(['client', 'list', '--search', 'z'.repeat(150)]), 3, /not logged in/);
  });

  it('should show examples in --help', async () => {
    const result = await userFor(db, 'nobody@epic.events').run(['client', 'update', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples:\n {2}\$ epicevents client update 12/);
    expect(result.stdout).toMatch(/--expected-version <n>/);
  });
});
