import { CliError } from '../../src/errors/cli-error';
import { Client } from '../../src/entities/client.entity';
import { applyKeyset, toPage } from '../../src/services/pagination';
import { updateVersioned } from '../../src/services/versioned-update';
import { runCli } from '../support/cli';
import { insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';

let sdb: ServiceDatabase;
beforeAll(async () => {
  sdb = await openServiceDatabase();
});
afterAll(async () => sdb.close());

describe('factories', () => {
  it('should insert an employee, a client, a contract and an event that satisfy the constraints', async () => {
    const sales = await insertEmployee(sdb.sql, { role: 'SALES' });
    const support = await insertEmployee(sdb.sql, { role: 'SUPPORT' });
    const client = await insertClient(sdb.sql, { salesContactId: sales.id });
    const contract = await insertContract(sdb.sql, { clientId: client.id, salesContactId: sales.id, isSigned: true });
    const event = await insertEvent(sdb.sql, { contractId: contract.id, supportContactId: support.id });
    expect([sales.id, support.id, client.id, contract.id, event.id].every((id) => Number.isInteger(id) && id > 0)).toBe(true);
  });
});

describe('keyset pagination', () => {
  it('should return pages in id order with a next cursor until the last page', async () => {
    const owner = await insertEmployee(sdb.sql, { role: 'SALES' });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await insertClient(sdb.sql, { salesContactId: owner.id })).id);
    const fetch = async (cursor?: number) => {
      const page = { limit: 2, cursor };
      const query = sdb.db.dataSource.manager.createQueryBuilder(Client, 'client').where('client.sales_contact_id = :owner', { owner: owner.id });
      return toPage(await applyKeyset(query, 'client.id', page).getMany(), page);
    };
    const first = await fetch();
    expect(first.items.map((c) => c.id)).toEqual(ids.slice(0, 2));
    expect(first.nextCursor).toBe(ids[1]);
    const second = await fetch(first.nextCursor);
    expect(second.items.map((c) => c.id)).toEqual(ids.slice(2, 4));
    const last = await fetch(second.nextCursor);
    expect(last.items.map((c) => c.id)).toEqual(ids.slice(4));
    expect(last.nextCursor).toBeUndefined();
  });

  it('should not announce a next page when the rows fill the page exactly', async () => {
    const owner = await insertEmployee(sdb.sql, { role: 'SALES' });
    for (let i = 0; i < 2; i++) await insertClient(sdb.sql, { salesContactId: owner.id });
    const page = { limit: 2 };
    const query = sdb.db.dataSource.manager.createQueryBuilder(Client, 'client').where('client.sales_contact_id = :owner', { owner: owner.id });
    const result = toPage(await applyKeyset(query, 'client.id', page).getMany(), page);
    expect(result.items).toHaveLength(2);
    expect(result.nextCursor).toBeUndefined();
  });
});

describe('updateVersioned', () => {
  it('should bump the version once and refuse a second write from the same starting version', async () => {
    const owner = await insertEmployee(sdb.sql, { role: 'SALES' });
    const client = await insertClient(sdb.sql, { salesContactId: owner.id });
    const first = await sdb.db.transaction((m) =>
      updateVersioned(m, { table: 'clients', entity: 'client', id: client.id, expectedVersion: 1, set: { full_name: 'First Writer' } }),
    );
    expect(first.version).toBe(2);
    const second = sdb.db.transaction((m) =>
      updateVersioned(m, { table: 'clients', entity: 'client', id: client.id, expectedVersion: 1, set: { full_name: 'Second Writer' } }),
    );
    await expect(second).rejects.toMatchObject({ code: 'conflict', message: `client ${client.id} was changed by someone else; show it again and retry` });
    const [row] = (await sdb.sql.query('SELECT full_name, version FROM clients WHERE id = $1', [client.id])) as { full_name: string; version: number }[];
    expect(row).toEqual({ full_name: 'First Writer', version: 2 });
  });

  it('should refuse the later of two interleaved transactions that read the same version, even while the first is uncommitted', async () => {
    if (!sdb.server) return; // the embedded engine has one connection: transactions cannot interleave
    const owner = await insertEmployee(sdb.sql, { role: 'SALES' });
    const client = await insertClient(sdb.sql, { salesContactId: owner.id });
    const first = sdb.db.dataSource.createQueryRunner();
    const second = sdb.db.dataSource.createQueryRunner();
    try {
      await first.startTransaction();
      await second.startTransaction();
      const readVersion = async (runner: typeof first) =>
        Number(((await runner.query('SELECT version FROM clients WHERE id = $1', [client.id])) as { version: number }[])[0].version);
      const [v1, v2] = [await readVersion(first), await readVersion(second)];
      expect([v1, v2]).toEqual([1, 1]);
      await updateVersioned(first.manager, { table: 'clients', entity: 'client', id: client.id, expectedVersion: v1, set: { company_name: 'First' } });
      // The second UPDATE waits on the first one's row lock, then re-checks the version once it commits.
      const pending = updateVersioned(second.manager, { table: 'clients', entity: 'client', id: client.id, expectedVersion: v2, set: { company_name: 'Second' } });
      const settled = pending.then(
        () => 'updated',
        (error: CliError) => error.code,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      await first.commitTransaction();
      expect(await settled).toBe('conflict');
      await second.rollbackTransaction();
    } finally {
      await first.release();
      await second.release();
    }
    const [row] = (await sdb.sql.query('SELECT company_name, version FROM clients WHERE id = $1', [client.id])) as { company_name: string; version: number }[];
    expect(row).toEqual({ company_name: 'First', version: 2 });
  });

  it('should report a missing record as not found', async () => {
    const attempt = sdb.db.transaction((m) =>
      updateVersioned(m, { table: 'clients', entity: 'client', id: 999999, expectedVersion: 1, set: { full_name: 'Nobody' } }),
    );
    await expect(attempt).rejects.toBeInstanceOf(CliError);
    await expect(attempt).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('runCli', () => {
  it('should report the exit code, not a broken pipe, when the command exits before reading a large stdin', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => runCli(['client', 'list', '--no-such-flag'], { stdin: 'x'.repeat(4 * 1024 * 1024) })),
    );
    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/unknown option '--no-such-flag'/);
    }
  });
});
