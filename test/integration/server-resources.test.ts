import http from 'node:http';
import net from 'node:net';
import { type JsonSchema, ROUTES } from '../../src/api/routes';
import { ROLES, type Role } from '../../src/domain/roles';
import { type Action, PERMISSIONS, ruleFor } from '../../src/permissions/permission-matrix';
import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { changedTables, fingerprint } from '../support/fingerprint';
import { holdRowLock, waitForBlocked } from '../support/row-locks';
import { accessToken, type HttpResponse, httpRequest, servedDatabase } from '../support/server';
import { serverUrl } from '../support/test-database';

/**
 * The resource routes through a real `epicevents serve` on a real PostgreSQL, over raw HTTP: every
 * noun's reads, writes and verbs, the permission matrix, refused input, CSV both ways, and
 * parallel payments.
 */

type Json = Record<string, unknown>;

/** A problem+json answer with this status and code; its detail never names a CLI flag. */
function expectProblem(response: HttpResponse, status: number, code: string): Json {
  expect({ status: response.status, type: response.headers['content-type'], body: response.text }).toMatchObject({ status, type: 'application/problem+json; charset=utf-8' });
  const problem = response.json();
  expect(problem).toMatchObject({ status, code });
  expect(problem.detail).not.toMatch(/(^|\s)--[a-z]/);
  return problem;
}

// Raw SQL beside the server needs a second connection: a PostgreSQL server, not the embedded engine.
(serverUrl() ? describe : describe.skip)('the resource routes of epicevents serve', () => {
  const served = servedDatabase();
  const tokens = new Map<number, string>();
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };
  let otherSales: { id: number; token: string };
  let support: { id: number; token: string };
  let otherSupport: { id: number; token: string };

  const call = (method: string, route: string, token: string, body?: unknown) => httpRequest(served.server.url, method, route, { token, body });

  async function employee(role: Role): Promise<{ id: number; token: string }> {
    const row = await insertEmployee(served.db, { role });
    const token = await accessToken(served.server.url, row.email);
    tokens.set(row.id, token);
    return { id: row.id, token };
  }

  beforeAll(async () => {
    manager = await employee('MANAGEMENT');
    sales = await employee('SALES');
    otherSales = await employee('SALES');
    support = await employee('SUPPORT');
    otherSupport = await employee('SUPPORT');
  });

  describe('clients', () => {
    it('should create, show, list with filters and pages, update with a version, and delete', async () => {
      const created = await call('POST', '/v1/clients', sales.token, { fullName: 'Kevin Casey', email: 'kevin@startup.io', phone: '06 12 34 56 78', companyName: 'Cool Startup LLC' });
      expect(created.status).toBe(201);
      const client = created.json();
      expect(client).toMatchObject({ fullName: 'Kevin Casey', phone: '+33612345678', salesContactId: sales.id, version: 1 });
      expect(new Date(client.createdAt as string).toISOString()).toBe(client.createdAt);
      expect((await call('GET', `/v1/clients/${client.id}`, support.token)).json()).toEqual(client);

      for (let n = 0; n < 4; n += 1) await insertClient(served.db, { salesContactId: sales.id, companyName: `Paged Co ${n}` });
      const first = await call('GET', '/v1/clients?search=paged%20co&limit=3', sales.token);
      const page1 = first.json<{ items: Json[]; nextCursor: number | null }>();
      expect(page1.items.map((c) => c.companyName)).toEqual(['Paged Co 0', 'Paged Co 1', 'Paged Co 2']);
      expect(page1.nextCursor).toBe(page1.items[2].id);
      const page2 = (await call('GET', `/v1/clients?search=paged%20co&limit=3&cursor=${page1.nextCursor}`, sales.token)).json<{ items: Json[]; nextCursor: number | null }>();
      expect(page2).toEqual({ items: [expect.objectContaining({ companyName: 'Paged Co 3' })], nextCursor: null });
      const mine = (await call('GET', '/v1/clients?mine=true&limit=500', otherSales.token)).json<{ items: Json[] }>();
      expect(mine.items).toEqual([]);

      const updated = await call('PATCH', `/v1/clients/${client.id}`, sales.token, { companyName: 'Cooler Startup', expectedVersion: 1 });
      expect(updated.json()).toMatchObject({ companyName: 'Cooler Startup', version: 2 });
      const stale = await call('PATCH', `/v1/clients/${client.id}`, sales.token, { companyName: 'Stale', expectedVersion: 1 });
      expectProblem(stale, 409, 'conflict');

      const deleted = await call('DELETE', `/v1/clients/${client.id}`, manager.token);
      expect(deleted.json()).toMatchObject({ id: client.id, companyName: 'Cooler Startup' });
      expectProblem(await call('GET', `/v1/clients/${client.id}`, manager.token), 404, 'not_found');
      expect((await call('GET', '/v1/clients/recent', manager.token)).json<{ items: Json[] }>().items[0]).toEqual({ id: expect.any(Number), fullName: expect.any(String), companyName: 'Paged Co 3' });
    });

    it("should refuse another salesperson's client (403) and an id that does not exist (404)", async () => {
      const theirs = await insertClient(served.db, { salesContactId: otherSales.id });
      expectProblem(await call('PATCH', `/v1/clients/${theirs.id}`, sales.token, { companyName: 'Mine now' }), 403, 'forbidden');
      expectProblem(await call('PATCH', '/v1/clients/2147483647', sales.token, { companyName: 'Nobody' }), 404, 'not_found');
      expect((await served.db.query('SELECT company_name FROM clients WHERE id = $1', [theirs.id]))[0]).toEqual({ company_name: theirs.companyName });
    });
  });

  describe('contracts', () => {
    it('should create, sign, take payments down to zero and no further, update, and delete an unsigned one', async () => {
      const client = await insertClient(served.db, { salesContactId: sales.id });
      const created = await call('POST', '/v1/contracts', manager.token, { clientId: client.id, totalAmount: '1500', amountDue: '1000.5' });
      expect(created.status).toBe(201);
      const contract = created.json();
      expect(contract).toMatchObject({ clientId: client.id, salesContactId: sales.id, totalAmount: '1500.00', amountDue: '1000.50', isSigned: false, signedAt: null });

      expectProblem(await call('POST', `/v1/contracts/${contract.id}/payments`, sales.token, { amount: '10' }), 409, 'conflict');
      const signed = (await call('POST', `/v1/contracts/${contract.id}/sign`, sales.token)).json();
      expect(signed).toMatchObject({ isSigned: true, signedAt: expect.stringMatching(/Z$/) });
      expect((await call('POST', `/v1/contracts/${contract.id}/payments`, sales.token, { amount: '1000.50' })).json()).toMatchObject({ amountDue: '0.00' });
      expectProblem(await call('POST', `/v1/contracts/${contract.id}/payments`, sales.token, { amount: '0.01' }), 409, 'conflict');
      const updated = await call('PATCH', `/v1/contracts/${contract.id}`, manager.token, { totalAmount: '1600', expectedVersion: (signed.version as number) + 1 });
      expect(updated.json()).toMatchObject({ totalAmount: '1600.00', amountDue: '100.00' });
      expectProblem(await call('PATCH', `/v1/contracts/${contract.id}`, manager.token, { totalAmount: '1700', expectedVersion: 1 }), 409, 'conflict');

      const unsigned = await insertContract(served.db, { clientId: client.id, salesContactId: sales.id });
      expect((await call('GET', `/v1/contracts?clientId=${client.id}&signed=false`, sales.token)).json<{ items: Json[] }>().items.map((c) => c.id)).toEqual([unsigned.id]);
      expect((await call('GET', `/v1/contracts?clientId=${client.id}&unpaid=true`, sales.token)).json<{ items: Json[] }>().items.map((c) => c.id)).toEqual([contract.id, unsigned.id]);
      expect((await call('DELETE', `/v1/contracts/${unsigned.id}`, manager.token)).json()).toMatchObject({ id: unsigned.id });
      expectProblem(await call('DELETE', `/v1/contracts/${contract.id}`, manager.token), 409, 'conflict');
    });

    it('should lose no payment of 200 parallel clients and never take the amount due below zero', async () => {
      const client = await insertClient(served.db, { salesContactId: sales.id });
      const contract = await insertContract(served.db, { clientId: client.id, salesContactId: sales.id, totalAmount: '1000.00', isSigned: true });
      const answers = await Promise.all(Array.from({ length: 200 }, () => call('POST', `/v1/contracts/${contract.id}/payments`, sales.token, { amount: '7.00' })));
      const accepted = answers.filter((answer) => answer.status === 200);
      for (const refused of answers.filter((answer) => answer.status !== 200)) expectProblem(refused, 409, 'conflict');
      const [{ amount_due: due }] = await served.db.query<{ amount_due: string }>('SELECT amount_due::text AS amount_due FROM contracts WHERE id = $1', [contract.id]);
      expect(accepted).toHaveLength(142); // 142 × 7.00 = 994.00 ≤ 1000.00 < 143 × 7.00
      expect(due).toBe('6.00');
      const [{ count }] = await served.db.query<{ count: string }>("SELECT count(*) FROM audit_log WHERE action = 'contract.pay' AND entity_id = $1", [contract.id]);
      expect(Number(count)).toBe(accepted.length);
    });

    it('should queue, not fail, payments that wait for a connection while every connection waits on the contract row', async () => {
      const client = await insertClient(served.db, { salesContactId: sales.id });
      const contract = await insertContract(served.db, { clientId: client.id, salesContactId: sales.id, totalAmount: '1000.00', isSigned: true });
      const lock = await holdRowLock(served.db.url!, 'contracts', 'id = $1', [contract.id]);
      const pending = Array.from({ length: 30 }, () => call('POST', `/v1/contracts/${contract.id}/payments`, sales.token, { amount: '7.00' }));
      try {
        // The pool's 10 connections wait on the row; the other 20 requests wait for a connection,
        // longer than the 3 s a command waits to connect.
        await waitForBlocked(served.db.url!, 10, 60_000);
        await new Promise((resolve) => setTimeout(resolve, 4000));
      } finally {
        await lock.release();
      }
      const answers = await Promise.all(pending);
      expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(200));
    });
  });

  describe('events', () => {
    it('should create, assign support (with the picker), update with a version, list by filters, and delete', async () => {
      const client = await insertClient(served.db, { salesContactId: sales.id });
      const contract = await insertContract(served.db, { clientId: client.id, salesContactId: sales.id, isSigned: true });
      const created = await call('POST', '/v1/events', sales.token, {
        contractId: contract.id,
        name: 'Gala',
        startAt: '2031-06-04T13:00:00+02:00',
        endAt: '2031-06-05T02:00:00Z',
        location: 'Paris',
        attendees: 75,
      });
      expect(created.status).toBe(201);
      const event = created.json();
      expect(event).toMatchObject({ name: 'Gala', startAt: '2031-06-04T11:00:00.000Z', supportContactId: null, notes: '', version: 1 });

      const choices = (await call('GET', `/v1/events/support-people?eventId=${event.id}&startAt=2031-06-04T11:00:00Z&endAt=2031-06-05T02:00:00Z`, manager.token)).json<{ items: Json[] }>();
      expect(choices.items.map((c) => c.id)).toEqual(expect.arrayContaining([support.id, otherSupport.id]));
      expect(choices.items.find((c) => c.id === support.id)).not.toHaveProperty('busyWith');

      const assigned = await call('PATCH', `/v1/events/${event.id}`, manager.token, { supportContactId: support.id, expectedVersion: 1 });
      expect(assigned.json()).toMatchObject({ supportContactId: support.id, version: 2 });
      expect((await call('PATCH', `/v1/events/${event.id}`, support.token, { notes: 'ramp at the back' })).json()).toMatchObject({ notes: 'ramp at the back' });
      expectProblem(await call('PATCH', `/v1/events/${event.id}`, otherSupport.token, { notes: 'not mine' }), 403, 'forbidden');
      expectProblem(await call('PATCH', `/v1/events/${event.id}`, support.token, { notes: 'stale', expectedVersion: 1 }), 409, 'conflict');
      const mine = (await call('GET', '/v1/events?mine=true&from=2031-01-01T00:00:00Z&to=2032-01-01T00:00:00Z', support.token)).json<{ items: Json[] }>();
      expect(mine.items.map((e) => e.id)).toEqual([event.id]);
      const unassigned = await call('PATCH', `/v1/events/${event.id}`, manager.token, { supportContactId: null });
      expect(unassigned.json()).toMatchObject({ supportContactId: null, supportContactName: null });
      expect((await call('DELETE', `/v1/events/${event.id}`, manager.token)).json()).toMatchObject({ id: event.id });
    });
  });

  describe('employees, notifications, audit and the report', () => {
    it('should create with a one-time password, update, deactivate, reactivate, reset the password, and delete handing over', async () => {
      const created = await call('POST', '/v1/employees', manager.token, { firstName: 'Grace', lastName: 'Hopper', email: 'grace@epic.events', role: 'sales' });
      expect(created.status).toBe(201);
      const { employee, oneTimePassword } = created.json<{ employee: Json; oneTimePassword: string }>();
      expect(employee).toMatchObject({ role: 'SALES', mustChangePassword: true, phone: null });
      expect(oneTimePassword).toEqual(expect.any(String));
      expect((await call('PATCH', `/v1/employees/${employee.id}`, manager.token, { phone: '+33 6 12 34 56 78' })).json()).toMatchObject({ phone: '+33612345678' });
      await insertClient(served.db, { salesContactId: employee.id as number });
      const deactivated = (await call('POST', `/v1/employees/${employee.id}/deactivate`, manager.token)).json();
      expect(deactivated).toMatchObject({ employee: { isActive: false }, stillOwns: { clients: 1, contracts: 0, events: 0 } });
      expect((await call('POST', `/v1/employees/${employee.id}/reactivate`, manager.token)).json()).toMatchObject({ isActive: true });
      const reset = (await call('POST', `/v1/employees/${employee.id}/reset-password`, manager.token)).json();
      expect(reset).toMatchObject({ employee: { id: employee.id }, oneTimePassword: expect.any(String) });
      const listed = (await call('GET', '/v1/employees?role=SALES&limit=500', manager.token)).json<{ items: Json[] }>();
      expect(listed.items.map((e) => e.id)).toContain(employee.id);
      const deleted = (await call('DELETE', `/v1/employees/${employee.id}?reassignTo=${otherSales.id}`, manager.token)).json();
      expect(deleted).toMatchObject({ employee: { id: employee.id }, reassignedTo: { id: otherSales.id }, handedOver: { clients: 1 } });
    });

    it('should list notifications, mark one and then all read, show the audit trail to management and build each role\'s report', async () => {
      const client = await insertClient(served.db, { salesContactId: sales.id });
      const contract = await insertContract(served.db, { clientId: client.id, salesContactId: sales.id });
      await call('POST', `/v1/contracts/${contract.id}/sign`, manager.token);
      await insertEvent(served.db, { contractId: contract.id, supportContactId: support.id });
      const unread = (await call('GET', '/v1/notifications?unread=true', sales.token)).json<{ items: Json[]; nextCursor: null }>();
      const signedNotice = unread.items.find((n) => n.kind === 'contract_signed' && n.entityId === contract.id) as Json;
      expect(signedNotice).toMatchObject({ isRead: false, readAt: null });
      expect((await call('POST', `/v1/notifications/${signedNotice.id}/read`, sales.token)).json()).toMatchObject({ id: signedNotice.id, isRead: true });
      expect((await call('POST', '/v1/notifications/read-all', sales.token)).json()).toEqual({ marked: unread.items.length - 1 });
      expectProblem(await call('POST', `/v1/notifications/${signedNotice.id}/read`, support.token), 404, 'not_found');

      const audit = (await call('GET', `/v1/audit?entityType=contract&entityId=${contract.id}`, manager.token)).json<{ items: Json[] }>();
      expect(audit.items).toEqual([expect.objectContaining({ action: 'contract.sign', actorId: manager.id, changes: expect.objectContaining({ isSigned: { before: false, after: true } }) })]);

      for (const [who, role] of [[manager, 'MANAGEMENT'], [sales, 'SALES'], [support, 'SUPPORT']] as const) {
        const report = await call('GET', '/v1/report?timeZone=Europe/Paris', who.token);
        expect(report.json()).toMatchObject({ role, timeZone: 'Europe/Paris', generatedAt: expect.stringMatching(/Z$/) });
      }
      const badZone = expectProblem(await call('GET', '/v1/report?timeZone=Mars/Olympus', manager.token), 400, 'validation');
      expect(badZone).toMatchObject({ pointer: '/timeZone', field: 'timeZone' });
    });
  });

  describe('permissions', () => {
    /** The request that performs each action of the matrix, on a fresh record owned (or not) by the caller. */
    type Attempt = (caller: { id: number; role: Role }, own: boolean) => Promise<{ method: string; route: string; body?: Json; csv?: string }>;
    const salesOwner = (caller: { id: number; role: Role }, own: boolean) => (caller.role === 'SALES' && own ? caller.id : otherSales.id);
    const supportOwner = (caller: { id: number; role: Role }, own: boolean) => (caller.role === 'SUPPORT' && own ? caller.id : otherSupport.id);
    const freshEmployee = () => insertEmployee(served.db, { role: 'SUPPORT' });
    const signedContract = async (ownerId: number) => insertContract(served.db, { clientId: (await insertClient(served.db, { salesContactId: ownerId })).id, salesContactId: ownerId, isSigned: true });
    let n = 0;
    const ATTEMPTS: Record<Exclude<Action, 'database.revert'>, Attempt> = {
      'employee.read': async () => ({ method: 'GET', route: `/v1/employees/${manager.id}` }),
      'employee.create': async () => ({ method: 'POST', route: '/v1/employees', body: { firstName: 'New', lastName: 'Hire', email: `hire-${(n += 1)}@epic.events`, role: 'SUPPORT' } }),
      'employee.update': async () => ({ method: 'PATCH', route: `/v1/employees/${(await freshEmployee()).id}`, body: { firstName: 'Renamed' } }),
      'employee.deactivate': async () => ({ method: 'POST', route: `/v1/employees/${(await freshEmployee()).id}/deactivate` }),
      'employee.delete': async () => ({ method: 'DELETE', route: `/v1/employees/${(await freshEmployee()).id}` }),
      'employee.reset-password': async () => ({ method: 'POST', route: `/v1/employees/${(await freshEmployee()).id}/reset-password` }),
      'client.read': async () => ({ method: 'GET', route: `/v1/clients/${(await insertClient(served.db, { salesContactId: sales.id })).id}` }),
      'client.create': async () => ({ method: 'POST', route: '/v1/clients', body: { fullName: 'New Client', email: `new-client-${(n += 1)}@example.com`, phone: '+33612345678', companyName: 'New Co' } }),
      'client.update': async (caller, own) => ({ method: 'PATCH', route: `/v1/clients/${(await insertClient(served.db, { salesContactId: salesOwner(caller, own) })).id}`, body: { companyName: 'Changed Co' } }),
      'client.reassign': async () => ({ method: 'PATCH', route: `/v1/clients/${(await insertClient(served.db, { salesContactId: sales.id })).id}`, body: { salesContactId: otherSales.id } }),
      'client.delete': async () => ({ method: 'DELETE', route: `/v1/clients/${(await insertClient(served.db, { salesContactId: sales.id })).id}` }),
      'contract.read': async () => ({ method: 'GET', route: `/v1/contracts/${(await signedContract(sales.id)).id}` }),
      'contract.create': async () => ({ method: 'POST', route: '/v1/contracts', body: { clientId: (await insertClient(served.db, { salesContactId: sales.id })).id, totalAmount: '100' } }),
      'contract.update': async (caller, own) => ({ method: 'PATCH', route: `/v1/contracts/${(await signedContract(salesOwner(caller, own))).id}`, body: { totalAmount: '2000' } }),
      'contract.delete': async () => {
        const client = await insertClient(served.db, { salesContactId: sales.id });
        return { method: 'DELETE', route: `/v1/contracts/${(await insertContract(served.db, { clientId: client.id, salesContactId: sales.id })).id}` };
      },
      'event.read': async () => ({ method: 'GET', route: `/v1/events/${(await insertEvent(served.db, { contractId: (await signedContract(sales.id)).id })).id}` }),
      'event.create': async (caller, own) => ({
        method: 'POST',
        route: '/v1/events',
        body: { contractId: (await signedContract(salesOwner(caller, own))).id, name: 'Launch', startAt: '2032-01-01T10:00Z', endAt: '2032-01-01T12:00Z', location: 'Lyon', attendees: 10 },
      }),
      'event.update': async (caller, own) => ({
        method: 'PATCH',
        route: `/v1/events/${(await insertEvent(served.db, { contractId: (await signedContract(sales.id)).id, supportContactId: supportOwner(caller, own) })).id}`,
        body: { notes: 'updated' },
      }),
      'event.assign-support': async () => ({ method: 'PATCH', route: `/v1/events/${(await insertEvent(served.db, { contractId: (await signedContract(sales.id)).id })).id}`, body: { supportContactId: support.id } }),
      'event.delete': async () => ({ method: 'DELETE', route: `/v1/events/${(await insertEvent(served.db, { contractId: (await signedContract(sales.id)).id })).id}` }),
      'notification.read': async () => ({ method: 'GET', route: '/v1/notifications' }),
      'report.read': async () => ({ method: 'GET', route: '/v1/report' }),
      'csv.import': async () => ({ method: 'POST', route: '/v1/clients/import', csv: `full_name,email,phone,company_name\nNew Client,permission-import-${(n += 1)}@example.com,+33612345678,New Co\n` }),
      'csv.export': async () => ({ method: 'GET', route: `/v1/clients/export?salesContactId=${sales.id}` }),
      'audit.read': async () => ({ method: 'GET', route: '/v1/audit' }),
    };
    const callers = () => ({ MANAGEMENT: manager, SALES: sales, SUPPORT: support });
    const cases = (Object.keys(ATTEMPTS) as (keyof typeof ATTEMPTS)[]).flatMap((action) => ROLES.map((role) => [action, role] as const));

    it.each(cases)('should answer %s by %s as the permission matrix says', async (action, role) => {
      const caller = { ...callers()[role], role };
      const rule = ruleFor(action, role);
      const attempt = async (own: boolean) => {
        const { method, route, body, csv } = await ATTEMPTS[action](caller, own);
        return csv === undefined ? call(method, route, caller.token, body) : upload(route, caller.token, csv);
      };
      if (rule === false) {
        expectProblem(await attempt(true), 403, 'forbidden');
        return;
      }
      const allowed = await attempt(true);
      expect({ action, role, answer: allowed.status < 300 ? 'allowed' : allowed.text }).toEqual({ action, role, answer: 'allowed' });
      if (rule === 'own') expectProblem(await attempt(false), 403, 'forbidden');
    });

    it('should cover every action of the matrix but the database administrator\'s', () => {
      expect(Object.keys(PERMISSIONS).filter((action) => !(action in ATTEMPTS))).toEqual(['database.revert']);
    });
  });

  describe('refused input', () => {
    it('should answer 400 naming the member by a JSON pointer and write nothing', async () => {
      const client = await insertClient(served.db, { salesContactId: sales.id });
      const contract = await signedContract();
      const cases: [string, string, Json | undefined, string][] = [
        ['GET', '/v1/clients/abc', undefined, '/id'],
        ['GET', '/v1/clients/0', undefined, '/id'],
        ['GET', '/v1/clients/99999999999', undefined, '/id'],
        ['GET', '/v1/clients?colour=blue', undefined, '/colour'],
        ['GET', '/v1/clients?limit=5000', undefined, '/limit'],
        ['GET', '/v1/events?from=yesterday', undefined, '/from'],
        ['PATCH', `/v1/clients/${client.id}`, { nickname: 'K' }, '/nickname'],
        ['POST', `/v1/contracts/${contract.id}/payments`, { amount: '1e3' }, '/amount'],
        ['POST', `/v1/contracts/${contract.id}/payments`, { amount: '-5' }, '/amount'],
        ['POST', `/v1/contracts/${contract.id}/payments`, { amount: { cents: 5 } }, '/amount'],
        ['POST', '/v1/contracts', { clientId: client.id, totalAmount: '12.345' }, '/totalAmount'],
        ['POST', '/v1/events', { contractId: contract.id, name: 'x'.repeat(151), startAt: '2031-01-01T10:00Z', endAt: '2031-01-01T12:00Z', location: 'Paris', attendees: 1 }, '/name'],
        ['POST', '/v1/events', { contractId: contract.id, name: 'Late', startAt: '2031-01-01T10:00Z', endAt: '2031-01-01T09:00Z', location: 'Paris', attendees: 1 }, '/endAt'],
        ['POST', '/v1/events', { contractId: contract.id, name: 'Many', startAt: '2031-01-01T10:00Z', endAt: '2031-01-01T12:00Z', location: 'Paris', attendees: 'lots' }, '/attendees'],
        ['PATCH', `/v1/events/${(await insertEvent(served.db, { contractId: contract.id })).id}`, { notes: 'y'.repeat(5001) }, '/notes'],
      ];
      const before = await fingerprint(served.db);
      for (const [method, route, body, pointer] of cases) {
        const token = method === 'POST' && route === '/v1/contracts' ? manager.token : sales.token;
        const problem = expectProblem(await call(method, route, token, body), 400, 'validation');
        expect({ route, pointer: problem.pointer }).toEqual({ route, pointer });
      }
      expect(changedTables(before, await fingerprint(served.db))).toEqual([]);
    });

    it('should point at the member at fault for every member of every body the API takes, one bad member at a time', async () => {
      const client = await insertClient(served.db, { salesContactId: sales.id });
      const contract = await signedContract();
      const event = await insertEvent(served.db, { contractId: contract.id });
      const target = await insertEmployee(served.db, { role: 'SUPPORT' });
      let n = 0;
      const unique = () => `walk-${(n += 1)}@example.com`;
      // A valid body for each route that creates, so that the one bad member is the only fault.
      const valid: Record<string, () => Json> = {
        'employees.create': () => ({ firstName: 'Walk', lastName: 'Er', email: unique(), role: 'SALES', phone: '+33612345678', password: 'Tr0ub4dor&3-horse-battery' }),
        'clients.create': () => ({ fullName: 'Walk Er', email: unique(), phone: '+33612345678', companyName: 'Walk Co' }),
        'contracts.create': () => ({ clientId: client.id, totalAmount: '100', amountDue: '50', signed: false }),
        'contracts.pay': () => ({ amount: '1' }),
        'events.create': () => ({ contractId: contract.id, name: 'Walk', startAt: '2031-01-01T10:00Z', endAt: '2031-01-01T12:00Z', location: 'Paris', attendees: 1, notes: 'n' }),
      };
      const ids: Record<string, number> = { employees: target.id, clients: client.id, contracts: contract.id, events: event.id };
      const tokenFor = (noun: string, method: string) => (noun === 'employees' || (noun === 'contracts' && method === 'create') ? manager.token : sales.token);
      // A string member gets a NUL character (refused by every parser of text, email, phone,
      // amount, date, role and password); any other member a value of the wrong type.
      const bad = (schema: JsonSchema) => (schema.type === 'string' ? 'bad\u0000value' : 'not-a-number-or-flag');

      const before = await fingerprint(served.db);
      let walked = 0;
      for (const [noun, methods] of Object.entries(ROUTES)) {
        for (const [method, route] of Object.entries(methods as Record<string, { method: string; path: string; schema: { body?: JsonSchema } }>)) {
          const members = Object.entries((route.schema.body?.properties ?? {}) as Record<string, JsonSchema>);
          for (const [member, schema] of members) {
            const path = route.path.replace('{id}', String(ids[noun]));
            const body = { ...(valid[`${noun}.${method}`]?.() ?? {}), [member]: bad(schema) };
            const problem = expectProblem(await call(route.method, path, tokenFor(noun, method), body), 400, 'validation');
            expect({ route: `${route.method} ${route.path}`, member, pointer: problem.pointer }).toEqual({ route: `${route.method} ${route.path}`, member, pointer: `/${member}` });
            walked += 1;
          }
        }
      }
      expect(walked).toBeGreaterThan(40);

      // The session's routes (outside the catalog): the first account, a login, a password change.
      const session: [string, string | undefined, Json, string][] = [
        ['/v1/init', undefined, { firstName: 'bad\u0000value', lastName: 'L', email: 'i@example.com', password: 'Tr0ub4dor&3-horse-battery' }, '/firstName'],
        ['/v1/init', undefined, { firstName: 'F', lastName: '', email: 'i@example.com', password: 'Tr0ub4dor&3-horse-battery' }, '/lastName'],
        ['/v1/init', undefined, { firstName: 'F', lastName: 'L', email: 'not-an-email', password: 'Tr0ub4dor&3-horse-battery' }, '/email'],
        ['/v1/init', undefined, { firstName: 'F', lastName: 'L', email: 'i@example.com', password: 'short' }, '/password'],
        ['/v1/auth/login', undefined, { email: 'not-an-email', password: 'whatever' }, '/email'],
        ['/v1/auth/password', sales.token, { currentPassword: FACTORY_PASSWORD, newPassword: 'password1234' }, '/newPassword'],
        ['/v1/auth/password', sales.token, { currentPassword: FACTORY_PASSWORD, newPassword: FACTORY_PASSWORD }, '/newPassword'],
      ];
      for (const [route, token, body, pointer] of session) {
        const problem = expectProblem(await call('POST', route, token as string, body), 400, 'validation');
        expect({ route, pointer: problem.pointer }).toEqual({ route, pointer });
      }
      expect(changedTables(before, await fingerprint(served.db))).toEqual([]);
    });

    it('should carry the message as parts naming fields, for a client that names them its own way', async () => {
      const contract = await signedContract();
      const problem = expectProblem(
        await call('POST', '/v1/events', sales.token, { contractId: contract.id, name: 'Late', startAt: '2031-01-01T10:00Z', endAt: '2031-01-01T09:00Z', location: 'Paris', attendees: 1 }),
        400,
        'validation',
      );
      expect(problem).toMatchObject({ detail: 'endAt must be after startAt', field: 'endAt', relatedField: 'startAt', detailParts: [{ field: 'endAt' }, ' must be after ', { field: 'startAt' }] });
    });

    it("should not tell a client the internals of a constraint the messages do not know", async () => {
      await served.db.query("ALTER TABLE clients ADD CONSTRAINT test_secret_rule CHECK (company_name <> 'Forbidden Name Ltd')");
      try {
        const problem = expectProblem(
          await call('POST', '/v1/clients', sales.token, { fullName: 'F N', email: 'forbidden@example.com', phone: '+33612345678', companyName: 'Forbidden Name Ltd' }),
          409,
          'conflict',
        );
        expect(problem.detail).toBe('the database refused the change: it breaks a rule of the data');
        expect(JSON.stringify(problem)).not.toMatch(/test_secret_rule|violates|clients/);
      } finally {
        await served.db.query('ALTER TABLE clients DROP CONSTRAINT test_secret_rule');
      }
    });

    async function signedContract() {
      const client = await insertClient(served.db, { salesContactId: sales.id });
      return insertContract(served.db, { clientId: client.id, salesContactId: sales.id, isSigned: true });
    }
  });

  describe('CSV', () => {
    it('should stream an export of a few thousand rows with the columns of export --csv', async () => {
      const owner = await employee('SALES');
      await served.db.query(
        `INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id)
         SELECT 'Bulk ' || n, 'bulk-' || n || '@example.com', '+33612345678', CASE WHEN n = 7 THEN '=SUM(A1), "quoted"' ELSE 'Bulk Co' END, $1
         FROM generate_series(1, 3000) AS n`,
        [owner.id],
      );
      const response = await call('GET', `/v1/clients/export?salesContactId=${owner.id}`, owner.token);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['transfer-encoding']).toBe('chunked');
      const lines = response.text.split('\r\n');
      expect(lines[0]).toBe('id,full_name,email,phone,company_name,sales_contact_id,sales_contact_name,created_at,updated_at');
      expect(lines).toHaveLength(3002); // header, 3000 rows, and the empty string after the last CRLF
      const ids = await served.db.query<{ id: number }>('SELECT id FROM clients WHERE sales_contact_id = $1 ORDER BY id', [owner.id]);
      expect(lines.slice(1, -1).map((line) => Number(line.split(',')[0]))).toEqual(ids.map((row) => Number(row.id)));
      expect(lines.find((line) => line.includes('bulk-7@'))).toContain(`"'=SUM(A1), ""quoted"""`);
      expectProblem(await call('GET', '/v1/events/export?mine=true', manager.token), 400, 'usage');
    });

    it('should import a streamed file, report rejected lines, and refuse the whole file unless skipInvalid', async () => {
      const importer = await employee('SALES');
      const rows = Array.from({ length: 2500 }, (_, i) => `Imported ${i},imported-${i}@example.com,+33612345678,Import Co`);
      rows[10] = 'Bad Line,not-an-email,+33612345678,Import Co';
      const csv = `full_name,email,phone,company_name\n${rows.join('\n')}\n`;
      const refused = await upload('/v1/clients/import', importer.token, csv);
      expect(refused.status).toBe(200);
      // One element per batch of 1000 lines, written once it is in the database: the import's progress.
      expect(refused.json()).toEqual({
        batches: [
          { lines: 1000, rejected: [{ line: 12, field: 'email', reason: expect.stringContaining('must be a valid email') }] },
          { lines: 2000, rejected: [] },
          { lines: 2500, rejected: [] },
        ],
        lines: 2500,
        imported: 0,
        rejectedLines: 1,
        refused: true,
      });
      expect(await served.db.query('SELECT id FROM clients WHERE sales_contact_id = $1', [importer.id])).toEqual([]);

      const skipped = await upload('/v1/clients/import?skipInvalid=true', importer.token, csv);
      expect(skipped.json()).toMatchObject({ batches: [{ lines: 1000, rejected: [{ line: 12 }] }, { lines: 2000 }, { lines: 2500 }], lines: 2500, imported: 2499, rejectedLines: 1, refused: false });
      const [{ count }] = await served.db.query<{ count: string }>('SELECT count(*) FROM clients WHERE sales_contact_id = $1', [importer.id]);
      expect(Number(count)).toBe(2499);

      expectProblem(await upload('/v1/clients/import', importer.token, 'name,mail\nx,y\n'), 400, 'validation');
      expectProblem(await upload('/v1/clients/import', manager.token, csv), 403, 'forbidden');
    });

    it('should refuse a file over 100 MiB with 413, whether it says its length or streams it', async () => {
      const before = await fingerprint(served.db);
      const declared = await new Promise<HttpResponse>((resolve, reject) => {
        const request = http.request(new URL('/v1/clients/import', served.server.url), {
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${sales.token}`, 'content-type': 'text/csv', 'content-length': String(100 * 1024 * 1024 + 1) },
        });
        request.on('response', (response) => collect(response).then(resolve, reject));
        request.on('error', reject);
        request.write('full_name,email,phone,company_name\n');
      });
      expectProblem(declared, 413, 'usage');
      // Blank lines cost the import nothing: the limit, not the database, stops this one.
      const streamed = await upload('/v1/clients/import', sales.token, (function* () {
        yield 'full_name,email,phone,company_name\n';
        const blank = Buffer.alloc(1024 * 1024, '\n');
        for (let mib = 0; mib <= 100; mib += 1) yield blank;
      })());
      expectProblem(streamed, 413, 'usage');
      expect(changedTables(before, await fingerprint(served.db))).toEqual([]);
    });

    it('should close the connection when it refuses an import before reading its body, and answer the next request on a new one', async () => {
      // A raw socket: what the server sends, and whether it closes, with nothing in between.
      const socket = net.connect(Number(new URL(served.server.url).port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('error', () => undefined); // the rest of the upload may meet a closed socket
      socket.write(
        `POST /v1/clients/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${manager.token}\r\n` +
          `Content-Type: text/csv\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\nfull_name,email,phone,company_name\n`,
      );
      // The client keeps sending (a fraction of what it announced) until the server closes.
      const line = Buffer.from('Ann Example,ann@example.com,+33612345678,Acme\n'.repeat(1000));
      const sending = setInterval(() => {
        if (!socket.destroyed) socket.write(line);
      }, 10);
      try {
        // Before: the 403 came with `Connection: keep-alive`, and the server went on reading the 50 MiB.
        await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`still open after 10 s; received: ${received}`)), 10_000))]);
      } finally {
        clearInterval(sending);
        socket.destroy();
      }
      const [head, body] = received.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 403 /);
      expect(head.toLowerCase()).toContain('\r\nconnection: close');
      expect(JSON.parse(body)).toMatchObject({ status: 403, code: 'forbidden' });

      const next = await upload('/v1/clients/import', sales.token, 'full_name,email,phone,company_name\nAnn Example,ann-after-close@example.com,+33612345678,Acme\n');
      expect(next.json()).toMatchObject({ imported: 1, refused: false });
    });
  });

  /** POSTs a CSV body, chunked (streamed) when given as chunks. */
  function upload(route: string, token: string, csv: string | Iterable<string | Buffer>): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const request = http.request(new URL(route, served.server.url), { method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' } });
      request.on('response', (response) => collect(response).then(resolve, reject));
      request.on('error', reject);
      const chunks = typeof csv === 'string' ? [csv] : csv;
      const pump = async () => {
        for (const chunk of chunks) {
          if (request.destroyed) return;
          if (!request.write(chunk)) await new Promise((resume) => request.once('drain', resume));
        }
        request.end();
      };
      pump().catch(() => undefined); // the server may answer (413) and close before the file ends
    });
  }

  function collect(response: http.IncomingMessage): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode as number, headers: response.headers, text, json: <T>() => JSON.parse(text) as T });
      });
    });
  }
});
