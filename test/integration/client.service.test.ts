import { flagFor } from '../../src/cli/field-flags';
import { ROLES, type Role } from '../../src/entities/employee.entity';
import { type Action, PERMISSIONS, ruleFor } from '../../src/permissions/permission-matrix';
import { createClient, deleteClient, getClient, likePattern, listClients, updateClient } from '../../src/services/client.service';
import { expectCliError, snapshot } from '../support/assertions';
import { actorFor, type ClientRow, type EmployeeRow, insertClient, insertContract, insertEmployee } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

let sdb: ServiceDatabase;
beforeAll(async () => {
  sdb = await openServiceDatabase();
});
afterAll(async () => sdb.close());

const employee = (overrides: Parameters<typeof insertEmployee>[1] = {}) => insertEmployee(sdb.sql, overrides);
const client = (salesContactId: number, overrides: Partial<Omit<ClientRow, 'id' | 'salesContactId'>> = {}) =>
  insertClient(sdb.sql, { salesContactId, ...overrides });

async function clientRow(id: number): Promise<Record<string, unknown> | undefined> {
  return ((await sdb.sql.query('SELECT * FROM clients WHERE id = $1', [id])) as Record<string, unknown>[])[0];
}

async function auditOf(entityId: number): Promise<{ action: string; actor_id: number; changes: Record<string, unknown> }[]> {
  return (await sdb.sql.query(`SELECT action, actor_id, changes FROM audit_log WHERE entity_type = 'client' AND entity_id = $1 ORDER BY id`, [
    entityId,
  ])) as never[];
}

let emailCounter = 0;
const freshEmail = () => `fresh-${process.pid}-${++emailCounter}@example.com`;

/**
 * One case per client action of the matrix. `target` is a client owned by the actor when
 * `owns` is true (whatever the actor's role), by another SALES employee otherwise.
 */
interface ActionCase {
  run: (actor: EmployeeRow, target: ClientRow, otherSales: EmployeeRow) => Promise<unknown>;
  applied: (target: ClientRow, actor: EmployeeRow, otherSales: EmployeeRow) => Promise<void>;
}

const CLIENT_CASES: Record<Extract<Action, `client.${string}`>, ActionCase[]> = {
  'client.read': [
    { run: (actor, target) => getClient(sdb.db, actorFor(actor), target.id), applied: async () => undefined },
    { run: (actor) => listClients(sdb.db, actorFor(actor), {}, { limit: 5 }), applied: async () => undefined },
  ],
  'client.create': [
    {
      run: (actor, target) =>
        createClient(sdb.db, actorFor(actor), { fullName: 'Kevin Casey', email: `new-${target.id}@startup.io`, phone: '+33 6 12 34 56 78', companyName: 'Cool Startup LLC' }),
      applied: async (target, actor) => {
        const rows = await sdb.sql.query('SELECT sales_contact_id FROM clients WHERE email = $1', [`new-${target.id}@startup.io`]);
        expect(rows).toEqual([{ sales_contact_id: actor.id }]);
      },
    },
  ],
  'client.update': [
    {
      run: (actor, target) => updateClient(sdb.db, actorFor(actor), target.id, { companyName: 'Renamed SAS' }),
      applied: async (target) => expect((await clientRow(target.id))?.company_name).toBe('Renamed SAS'),
    },
  ],
  'client.reassign': [
    {
      run: (actor, target, otherSales) => updateClient(sdb.db, actorFor(actor), target.id, { salesContactId: otherSales.id }),
      applied: async (target, _actor, otherSales) => expect((await clientRow(target.id))?.sales_contact_id).toBe(otherSales.id),
    },
  ],
  'client.delete': [
    {
      run: (actor, target) => deleteClient(sdb.db, actorFor(actor), target.id),
      applied: async (target) => expect(await clientRow(target.id)).toBeUndefined(),
    },
  ],
};

describe('client permissions, table-driven over the matrix', () => {
  const actions = (Object.keys(PERMISSIONS) as Action[]).filter((action) => action.startsWith('client.'));

  it('should have a case for every client action of the matrix', () => {
    expect(Object.keys(CLIENT_CASES).sort()).toEqual([...actions].sort());
  });

  const cases = actions.flatMap((action) =>
    ROLES.flatMap((role) =>
      [true, false].flatMap((owns) => CLIENT_CASES[action as keyof typeof CLIENT_CASES].map((c, i) => [action, role, owns ? 'own' : "someone else's", i, c] as const)),
    ),
  );

  it.each(cases)('%s by %s on %s client (case %i): allowed → applied, denied → exit 4 and nothing written', async (action, role, ownership, _i, actionCase) => {
    const actor = await employee({ role });
    const otherSales = await employee({ role: 'SALES' });
    const owns = ownership === 'own';
    const target = await client(owns ? actor.id : otherSales.id);
    const rule = ruleFor(action, role);
    const allowed = rule === 'any' || (rule === 'own' && owns);
    const heir = await employee({ role: 'SALES' });
    if (allowed) {
      await actionCase.run(actor, target, heir);
      await actionCase.applied(target, actor, heir);
    } else {
      const before = await snapshot(sdb.sql);
      const error = await expectCliError(actionCase.run(actor, target, heir), 'forbidden');
      expect(error.message).toMatch(new RegExp(`^permission denied: ${role} cannot `));
      expect(await snapshot(sdb.sql)).toEqual(before);
    }
  });
});

describe('client create', () => {
  it('should make the creator the owner, store the phone in E.164 and audit the new values', async () => {
    const sales = await employee({ role: 'SALES', firstName: 'Bill', lastName: 'Boquet' });
    const created = await createClient(sdb.db, actorFor(sales), {
      fullName: ' Kevin Casey ',
      email: 'kevin@startup.io',
      phone: '+33 6 12 34 56 78',
      companyName: 'Cool Startup LLC',
    });
    expect(created).toMatchObject({
      fullName: 'Kevin Casey',
      phone: '+33612345678',
      salesContactId: sales.id,
      salesContactName: 'Bill Boquet',
      version: 1,
    });
    const [audit] = await auditOf(created.id);
    expect(audit).toMatchObject({
      action: 'client.create',
      actor_id: sales.id,
      changes: { fullName: { before: null, after: 'Kevin Casey' }, salesContactId: { before: null, after: sales.id } },
    });
  });

  it('should refuse an email already used by a client, in any case (exit 6)', async () => {
    const sales = await employee({ role: 'SALES' });
    const existing = await client(sales.id);
    const before = await snapshot(sdb.sql);
    const error = await expectCliError(
      createClient(sdb.db, actorFor(sales), { fullName: 'Dup', email: existing.email.toUpperCase(), phone: '0612345678', companyName: 'Dup' }),
      'conflict',
    );
    expect(error.message).toBe(`a client with the email ${existing.email.toUpperCase()} already exists`);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it.each([
    ['an invalid phone', { phone: 'call me' }, /phone must be a valid phone number/],
    ['an invalid email', { email: 'kevin@' }, /email must be a valid email/],
    ['a blank company', { companyName: ' ' }, /companyName cannot be empty/],
    ['a name over 150 characters', { fullName: 'x'.repeat(151) }, /fullName must be at most 150 characters/],
  ])('should refuse %s with exit 2 and write nothing', async (_what, override, message) => {
    const sales = await employee({ role: 'SALES' });
    const before = await snapshot(sdb.sql);
    const input = { fullName: 'Val Id', email: freshEmail(), phone: '0612345678', companyName: 'Valid', ...override };
    const error = await expectCliError(createClient(sdb.db, actorFor(sales), input), 'validation');
    expect(error.message).toMatch(message);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should refuse a SALES employee demoted since the token was issued (the database role counts)', async () => {
    const demoted = await employee({ role: 'SALES' });
    await sdb.sql.query(`UPDATE employees SET role = 'SUPPORT' WHERE id = $1`, [demoted.id]);
    await expectCliError(
      createClient(sdb.db, actorFor(demoted), { fullName: 'Late', email: freshEmail(), phone: '0612345678', companyName: 'Late' }),
      'conflict',
    );
  });
});

describe('client update', () => {
  it('should change the details, bump the version and updated_at, and audit before → after', async () => {
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id, { phone: '+33612345678' });
    // Written a minute ago: an update in the same millisecond as the insert could not show the bump.
    await sdb.sql.query(`UPDATE clients SET updated_at = now() - interval '1 minute' WHERE id = $1`, [target.id]);
    const before = await clientRow(target.id);
    const updated = await updateClient(sdb.db, actorFor(sales), target.id, { phone: '06 98 76 54 32', fullName: 'Kevin C.' });
    expect(updated).toMatchObject({ phone: '+33698765432', fullName: 'Kevin C.', version: 2 });
    expect(updated.updatedAt.getTime()).toBeGreaterThan((before?.updated_at as Date).getTime());
    expect(updated.createdAt).toEqual(before?.created_at);
    const [audit] = await auditOf(target.id);
    expect(audit).toMatchObject({
      action: 'client.update',
      changes: { phone: { before: '+33612345678', after: '+33698765432' }, fullName: { before: target.fullName, after: 'Kevin C.' } },
    });
    expect(Object.keys(audit.changes).sort()).toEqual(['fullName', 'phone']);
  });

  it('should write nothing when the values are already those', async () => {
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    const before = await snapshot(sdb.sql);
    const same = await updateClient(sdb.db, actorFor(sales), target.id, { companyName: target.companyName });
    expect(same.version).toBe(1);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should refuse an update with nothing to change (exit 2)', async () => {
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    await expectCliError(updateClient(sdb.db, actorFor(sales), target.id, {}), 'usage');
  });

  it('should refuse a SALES owner who tries to change the owner too (exit 4)', async () => {
    const sales = await employee({ role: 'SALES' });
    const other = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    const before = await snapshot(sdb.sql);
    await expectCliError(updateClient(sdb.db, actorFor(sales), target.id, { companyName: 'X', salesContactId: other.id }), 'forbidden');
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should refuse MANAGEMENT editing details, even together with a reassignment (exit 4)', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    const other = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    await expectCliError(updateClient(sdb.db, actorFor(manager), target.id, { email: freshEmail(), salesContactId: other.id }), 'forbidden');
    expect((await clientRow(target.id))?.sales_contact_id).toBe(sales.id);
  });

  it.each<[string, Role, boolean, 'conflict' | 'not_found']>([
    ['a SUPPORT employee', 'SUPPORT', true, 'conflict'],
    ['a MANAGEMENT employee', 'MANAGEMENT', true, 'conflict'],
    ['a deactivated SALES employee', 'SALES', false, 'conflict'],
  ])('should refuse to hand a client to %s', async (_what, role, isActive, code) => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    const heir = await employee({ role, isActive });
    const before = await snapshot(sdb.sql);
    await expectCliError(updateClient(sdb.db, actorFor(manager), target.id, { salesContactId: heir.id }), code);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should report an unknown new owner (exit 5) and an unknown client (exit 5)', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    await expectCliError(updateClient(sdb.db, actorFor(manager), target.id, { salesContactId: 999999 }), 'not_found');
    await expectCliError(updateClient(sdb.db, actorFor(sales), 999999, { fullName: 'Nobody' }), 'not_found');
  });

  it('should let MANAGEMENT reassign the owner, the contracts moving with the client', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    const heir = await employee({ role: 'SALES', firstName: 'New', lastName: 'Owner' });
    const target = await client(sales.id);
    const contract = await insertContract(sdb.sql, { clientId: target.id, salesContactId: sales.id });
    const updated = await updateClient(sdb.db, actorFor(manager), target.id, { salesContactId: heir.id });
    expect(updated).toMatchObject({ salesContactId: heir.id, salesContactName: 'New Owner', version: 2 });
    expect(await sdb.sql.query('SELECT sales_contact_id, version FROM contracts WHERE id = $1', [contract.id])).toEqual([{ sales_contact_id: heir.id, version: 2 }]);
    expect((await auditOf(target.id))[0].changes).toEqual({ salesContactId: { before: sales.id, after: heir.id } });
  });

  it('should refuse the email of another client, in any case (exit 6)', async () => {
    const sales = await employee({ role: 'SALES' });
    const a = await client(sales.id);
    const b = await client(sales.id);
    await expectCliError(updateClient(sdb.db, actorFor(sales), a.id, { email: b.email.toUpperCase() }), 'conflict');
  });

  it('should accept a change of case of the client\'s own email', async () => {
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    expect((await updateClient(sdb.db, actorFor(sales), target.id, { email: target.email.toUpperCase() })).email).toBe(target.email.toUpperCase());
  });
});

describe('client update: optimistic locking', () => {
  it('should refuse a stale --expected-version with exit 6 and write nothing', async () => {
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    await updateClient(sdb.db, actorFor(sales), target.id, { fullName: 'Version Two' });
    const before = await snapshot(sdb.sql);
    const error = await expectCliError(updateClient(sdb.db, actorFor(sales), target.id, { fullName: 'Stale', expectedVersion: 1 }), 'conflict');
    expect(error.message).toBe(`client ${target.id} was changed by someone else; show it again and retry`);
    expect(await snapshot(sdb.sql)).toEqual(before);
    expect((await updateClient(sdb.db, actorFor(sales), target.id, { fullName: 'Fresh', expectedVersion: 2 })).version).toBe(3);
  });

  it('should give exactly one conflict for two interleaved updates from the same starting version', async () => {
    if (!sdb.server) return; // the embedded engine has one connection: transactions cannot interleave
    const sales = await employee({ role: 'SALES' });
    const manager = await employee({ role: 'MANAGEMENT' });
    const heir = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    const results = await Promise.allSettled([
      updateClient(sdb.db, actorFor(sales), target.id, { companyName: 'From Sales', expectedVersion: 1 }),
      updateClient(sdb.db, actorFor(manager), target.id, { salesContactId: heir.id, expectedVersion: 1 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
    expect((await clientRow(target.id))?.version).toBe(2);
    expect(await auditOf(target.id)).toHaveLength(1);
  });

  it('should refuse the second of two writers that read the same version inside their commands', async () => {
    if (!sdb.server) return;
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    // Two commands that each read version 1, then write: the later write must not win silently.
    const results = await Promise.allSettled(
      ['First', 'Second', 'Third'].map((name) => updateClient(sdb.db, actorFor(sales), target.id, { fullName: name })),
    );
    const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(fulfilled).toBeGreaterThanOrEqual(1);
    for (const r of rejected) expect(r.reason).toMatchObject({ code: 'conflict' });
    expect((await clientRow(target.id))?.version).toBe(1 + fulfilled);
  });
});

describe('client delete', () => {
  it('should delete a client without contracts and audit the values it had', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    const deleted = await deleteClient(sdb.db, actorFor(manager), target.id);
    expect(deleted.id).toBe(target.id);
    expect(await clientRow(target.id)).toBeUndefined();
    const [audit] = await auditOf(target.id);
    expect(audit).toMatchObject({ action: 'client.delete', changes: { email: { before: target.email, after: null } } });
  });

  it('should refuse a client with contracts (exit 6) and write nothing', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    const sales = await employee({ role: 'SALES' });
    const target = await client(sales.id);
    await insertContract(sdb.sql, { clientId: target.id, salesContactId: sales.id });
    const before = await snapshot(sdb.sql);
    const error = await expectCliError(deleteClient(sdb.db, actorFor(manager), target.id), 'conflict');
    expect(error.message).toBe(`client ${target.id} has 1 contract and cannot be deleted`);
    expect(await snapshot(sdb.sql)).toEqual(before);
  });

  it('should report an unknown client (exit 5)', async () => {
    const manager = await employee({ role: 'MANAGEMENT' });
    await expectCliError(deleteClient(sdb.db, actorFor(manager), 999999), 'not_found');
  });
});

describe('client list', () => {
  const ids = (page: { items: { id: number }[] }) => page.items.map((c) => c.id);

  it('should search full name, email and company case-insensitively', async () => {
    const sales = await employee({ role: 'SALES' });
    const token = `zq${process.pid}x`;
    const byName = await client(sales.id, { fullName: `Anna ${token.toUpperCase()} Smith` });
    const byEmail = await client(sales.id, { email: `${token}@mail.example` });
    const byCompany = await client(sales.id, { companyName: `${token} Holdings` });
    await client(sales.id);
    const page = await listClients(sdb.db, actorFor(sales), { search: token.toUpperCase() }, { limit: 50 });
    expect(ids(page)).toEqual([byName.id, byEmail.id, byCompany.id]);
  });

  it('should treat % and _ in the search text as literal characters', async () => {
    const sales = await employee({ role: 'SALES' });
    const token = `pct${process.pid}`;
    const percent = await client(sales.id, { companyName: `${token} 100% Events` });
    await client(sales.id, { companyName: `${token} 1000 Events` });
    const underscore = await client(sales.id, { companyName: `${token} a_b` });
    await client(sales.id, { companyName: `${token} axb` });
    expect(ids(await listClients(sdb.db, actorFor(sales), { search: `${token} 100%` }, { limit: 50 }))).toEqual([percent.id]);
    expect(ids(await listClients(sdb.db, actorFor(sales), { search: `${token} a_b` }, { limit: 50 }))).toEqual([underscore.id]);
    expect(ids(await listClients(sdb.db, actorFor(sales), { search: `${token}\\` }, { limit: 50 }))).toEqual([]);
  });

  it('should escape LIKE wildcards and backslashes', () => {
    expect(likePattern('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
  });

  it('should list the clients of one SALES employee with sales, and the caller\'s own with mine', async () => {
    const sales = await employee({ role: 'SALES' });
    const other = await employee({ role: 'SALES' });
    const mine = [await client(sales.id), await client(sales.id)];
    const theirs = await client(other.id);
    expect(ids(await listClients(sdb.db, actorFor(sales), { mine: true }, { limit: 50 }))).toEqual(mine.map((c) => c.id));
    expect(ids(await listClients(sdb.db, actorFor(sales), { salesContactId: other.id }, { limit: 50 }))).toEqual([theirs.id]);
    expect(ids(await listClients(sdb.db, actorFor(sales), { salesContactId: 999999 }, { limit: 50 }))).toEqual([]);
  });

  it.each<Role>(['MANAGEMENT', 'SUPPORT'])('should refuse mine for %s with exit 2, pointing at sales', async (role) => {
    const actor = await employee({ role });
    const error = await expectCliError(listClients(sdb.db, actorFor(actor), { mine: true }, { limit: 50 }), 'usage');
    expect(error.message).toMatch(/SALES/);
    // The service names the field; the CLI shows it as its flag.
    expect(error.hint).toMatch(/salesContactId </);
    expect(error.render(flagFor).hint).toMatch(/--sales </);
  });

  it('should refuse mine together with sales (exit 2)', async () => {
    const sales = await employee({ role: 'SALES' });
    await expectCliError(listClients(sdb.db, actorFor(sales), { mine: true, salesContactId: sales.id }, { limit: 50 }), 'usage');
  });

  it.each([
    [5, 5, [5], undefined],
    [5, 4, [4, 1], 4],
    [5, 1, [1, 1, 1, 1, 1], 1],
    [5, 6, [5], undefined],
  ])('should page %i clients by %i: page sizes %p', async (count, limit, sizes, firstCursorIndex) => {
    const sales = await employee({ role: 'SALES' });
    const created: number[] = [];
    for (let i = 0; i < count; i++) created.push((await client(sales.id)).id);
    const pages: number[][] = [];
    let cursor: number | undefined;
    do {
      const page = await listClients(sdb.db, actorFor(sales), { mine: true }, { limit, cursor });
      if (pages.length === 0) expect(page.nextCursor).toBe(firstCursorIndex === undefined ? undefined : created[firstCursorIndex - 1]);
      pages.push(ids(page));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(pages.map((p) => p.length)).toEqual(sizes);
    expect(pages.flat()).toEqual(created);
  });

  it('should start after the cursor even when the cursor id no longer exists', async () => {
    const sales = await employee({ role: 'SALES' });
    const [a, b, c] = [await client(sales.id), await client(sales.id), await client(sales.id)];
    await sdb.sql.query('DELETE FROM clients WHERE id = $1', [b.id]);
    expect(ids(await listClients(sdb.db, actorFor(sales), { mine: true }, { limit: 50, cursor: b.id }))).toEqual([c.id]);
    expect(ids(await listClients(sdb.db, actorFor(sales), { mine: true }, { limit: 50, cursor: a.id - 1 }))).toEqual([a.id, c.id]);
  });
});
