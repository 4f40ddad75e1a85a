import { type Logger } from 'typeorm';
import { type Actor } from '../../src/auth/actor';
import { TENANT_USER_ROLE } from '../../src/database/roles-sql';
import { type Role } from '../../src/entities/employee.entity';
import { listAudit } from '../../src/services/audit-query.service';
import { listClients } from '../../src/services/client.service';
import { listContracts } from '../../src/services/contract.service';
import { listEmployees } from '../../src/services/employee.service';
import { listEvents, supportChoices } from '../../src/services/event.service';
import { notifyUpcomingEvents } from '../../src/services/notification.service';
import { supportReport } from '../../src/services/report.service';
import { seedDemo } from '../../src/services/seed.service';
import { openServiceDatabase, type ServiceDatabase } from '../support/service-database';
import { serverUrl } from '../support/test-database';

/**
 * Every list filter of the README must be served by an index once the tables are large: the SQL each
 * service really sends (captured from TypeORM's logger) is planned with EXPLAIN against a seeded
 * data set, as the tenant role with row security on (every index leads with tenant_id, the
 * policy's condition), and a sequential scan of clients, contracts, events or the audit trail
 * fails the test.
 * Plans only, never timings (docs/performance.md has those).
 *
 * Server only: planning tens of thousands of rows is what the server does in production, and the
 * embedded engine would spend minutes seeding them in WebAssembly.
 */
const SCALE = 30_000;
const BIG_TABLES = ['clients', 'contracts', 'events', 'audit_log'];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

interface Captured {
  sql: string;
  parameters: unknown[];
}

/** A logger that keeps every statement, so a test can plan exactly what a service sent. */
function capturingLogger(into: Captured[]): Logger {
  return {
    logQuery: (sql, parameters) => void into.push({ sql, parameters: Array.isArray(parameters) ? parameters : [] }),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
}

function describePlan(node: PlanNode, depth = 0): string[] {
  const target = [node['Relation Name'], node['Index Name'] && `[${node['Index Name']}]`].filter(Boolean).join(' ');
  return [`${'  '.repeat(depth)}${node['Node Type']} ${target}`.trimEnd(), ...(node.Plans ?? []).flatMap((child) => describePlan(child, depth + 1))];
}

function sequentialScans(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && BIG_TABLES.includes(node['Relation Name'] ?? '') ? [node['Relation Name'] as string] : [];
  return [...own, ...(node.Plans ?? []).flatMap(sequentialScans)];
}

(serverUrl() ? describe : describe.skip)('query plans of the list filters', () => {
  let sdb: ServiceDatabase;
  const captured: Captured[] = [];
  const actors = {} as Record<Role, Actor>;
  let clientId: number;
  let contractId: number;
  let supportId: number;
  let salesId: number;

  beforeAll(async () => {
    sdb = await openServiceDatabase();
    await seedDemo(sdb.db, null, { scale: SCALE });
    // The audit trail grows with every write: give it as many rows as the other tables.
    await sdb.sql.query(`
      INSERT INTO audit_log (occurred_at, actor_id, actor_label, action, entity_type, entity_id)
      SELECT now() - make_interval(secs => ${SCALE} - g), 1 + g % 30, 'someone', (ARRAY['client.update', 'contract.pay', 'event.update', 'client.create'])[1 + g % 4],
             (ARRAY['client', 'contract', 'event', 'client'])[1 + g % 4], 1 + g % ${SCALE}
        FROM generate_series(1, ${SCALE}) AS g`);
    await sdb.sql.query('ANALYZE audit_log');
    for (const role of ['MANAGEMENT', 'SALES', 'SUPPORT'] as const) {
      const [row] = (await sdb.sql.query(
        'SELECT id, email, first_name, last_name FROM employees WHERE role = $1 AND is_active ORDER BY id LIMIT 1',
        [role],
      )) as { id: number; email: string; first_name: string; last_name: string }[];
      actors[role] = { id: row.id, role, email: row.email, firstName: row.first_name, lastName: row.last_name, mustChangePassword: false };
    }
    const [contract] = (await sdb.sql.query('SELECT id, client_id FROM contracts ORDER BY id DESC LIMIT 1')) as { id: number; client_id: number }[];
    clientId = contract.client_id;
    const [event] = (await sdb.sql.query('SELECT contract_id FROM events ORDER BY id DESC LIMIT 1')) as { contract_id: number }[];
    contractId = event.contract_id;
    supportId = actors.SUPPORT.id;
    salesId = actors.SALES.id;
    // Planned as the application runs them: held to row security, in one tenant (docs/tenancy.md).
    expect(await sdb.sql.query(`SELECT current_user AS role, ${BIG_TABLES.map((t) => `row_security_active('${t}')`).join(' AND ')} AS row_security`)).toEqual([
      { role: TENANT_USER_ROLE, row_security: true },
    ]);
    sdb.db.dataSource.logger = capturingLogger(captured);
  }, 300_000);

  afterAll(async () => sdb?.close());

  const page = { limit: 50 };
  const later = { limit: 50, cursor: Math.floor(SCALE / 2) };
  const now = new Date();
  const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);

  /** One of the SUPPORT employee's events that ends after now (`>`) or is over (`<=`): a cursor into either part of their list. */
  const supportEvent = async (ends: '>' | '<=') =>
    ((await sdb.sql.query(`SELECT id FROM events WHERE support_contact_id = $1 AND end_at ${ends} now() ORDER BY end_at LIMIT 1 OFFSET 3`, [supportId])) as { id: number }[])[0].id;

  const cases: [string, () => Promise<unknown>][] = [
    ['client list', () => listClients(sdb.db, actors.MANAGEMENT, {}, page)],
    ['client list --cursor', () => listClients(sdb.db, actors.MANAGEMENT, {}, later)],
    ['client list --mine', () => listClients(sdb.db, actors.SALES, { mine: true }, page)],
    ['client list --sales', () => listClients(sdb.db, actors.MANAGEMENT, { salesContactId: salesId }, page)],
    ['client list --search (a rare text)', () => listClients(sdb.db, actors.MANAGEMENT, { search: 'kevin@startup' }, page)],
    ['client list --search (a company)', () => listClients(sdb.db, actors.MANAGEMENT, { search: 'Cool Startup' }, page)],
    ['client list --search (no match)', () => listClients(sdb.db, actors.MANAGEMENT, { search: 'qwxz' }, page)],
    ['client list --search --mine', () => listClients(sdb.db, actors.SALES, { mine: true, search: 'quick' }, page)],
    ['contract list', () => listContracts(sdb.db, actors.MANAGEMENT, {}, page)],
    ['contract list --mine', () => listContracts(sdb.db, actors.SALES, { mine: true }, page)],
    ['contract list --client', () => listContracts(sdb.db, actors.MANAGEMENT, { clientId }, page)],
    ['contract list --unsigned', () => listContracts(sdb.db, actors.MANAGEMENT, { signed: false }, page)],
    ['contract list --signed', () => listContracts(sdb.db, actors.MANAGEMENT, { signed: true }, page)],
    ['contract list --unpaid', () => listContracts(sdb.db, actors.MANAGEMENT, { unpaid: true }, page)],
    ['contract list --unsigned --mine', () => listContracts(sdb.db, actors.SALES, { mine: true, signed: false }, page)],
    ['contract list --signed --unpaid --cursor', () => listContracts(sdb.db, actors.MANAGEMENT, { signed: true, unpaid: true }, later)],
    ['contract list --search (a rare text)', () => listContracts(sdb.db, actors.MANAGEMENT, { search: 'kevin@startup' }, page)],
    ['contract list --search (a company)', () => listContracts(sdb.db, actors.MANAGEMENT, { search: 'Cool Startup' }, page)],
    ['contract list --search (no match)', () => listContracts(sdb.db, actors.MANAGEMENT, { search: 'qwxz' }, page)],
    ['contract list --search --unpaid --mine', () => listContracts(sdb.db, actors.SALES, { mine: true, unpaid: true, search: 'quick' }, page)],
    ['event list', () => listEvents(sdb.db, actors.MANAGEMENT, {}, page)],
    ['event list --mine (SUPPORT)', () => listEvents(sdb.db, actors.SUPPORT, { mine: true }, page)],
    ['event list --mine (SUPPORT) --cursor (an upcoming event)', async () => listEvents(sdb.db, actors.SUPPORT, { mine: true }, { limit: 50, cursor: await supportEvent('>') })],
    ['event list --mine (SUPPORT) --cursor (a past event)', async () => listEvents(sdb.db, actors.SUPPORT, { mine: true }, { limit: 50, cursor: await supportEvent('<=') })],
    ['event list --mine (SALES)', () => listEvents(sdb.db, actors.SALES, { mine: true }, page)],
    ['event list --no-support', () => listEvents(sdb.db, actors.MANAGEMENT, { noSupport: true }, page)],
    ['event list --support', () => listEvents(sdb.db, actors.MANAGEMENT, { supportId }, page)],
    ['event list --client', () => listEvents(sdb.db, actors.MANAGEMENT, { clientId }, page)],
    ['event list --contract', () => listEvents(sdb.db, actors.MANAGEMENT, { contractId }, page)],
    ['event list --from', () => listEvents(sdb.db, actors.MANAGEMENT, { from: now }, page)],
    ['event list --from --to (one week)', () => listEvents(sdb.db, actors.MANAGEMENT, { from: now, to: inDays(7) }, page)],
    ['event list --to (last year)', () => listEvents(sdb.db, actors.MANAGEMENT, { to: inDays(-365) }, page)],
    ['event list --no-support --from', () => listEvents(sdb.db, actors.MANAGEMENT, { noSupport: true, from: now }, page)],
    ['event list --search (a client)', () => listEvents(sdb.db, actors.MANAGEMENT, { search: 'kevin@startup' }, page)],
    ['event list --search (an event name)', () => listEvents(sdb.db, actors.MANAGEMENT, { search: 'Charity Ball' }, page)],
    ['event list --search (a location)', () => listEvents(sdb.db, actors.MANAGEMENT, { search: 'Chemin des Vignes' }, page)],
    ['event list --search (no match)', () => listEvents(sdb.db, actors.MANAGEMENT, { search: 'qwxz' }, page)],
    ['event list --search --mine (SUPPORT)', () => listEvents(sdb.db, actors.SUPPORT, { mine: true, search: 'quick' }, page)],
    ['employee list --role', () => listEmployees(sdb.db, actors.MANAGEMENT, { role: 'SUPPORT' }, page)],
    ['employee list --inactive', () => listEmployees(sdb.db, actors.MANAGEMENT, { inactive: true }, page)],
    ['audit list', () => listAudit(sdb.db, actors.MANAGEMENT, {}, page)],
    ['audit list --entity TYPE', () => listAudit(sdb.db, actors.MANAGEMENT, { entityType: 'contract' }, page)],
    ['audit list --entity TYPE:ID', () => listAudit(sdb.db, actors.MANAGEMENT, { entityType: 'client', entityId: 42 }, page)],
    ['audit list --actor', () => listAudit(sdb.db, actors.MANAGEMENT, { actorId: 7 }, page)],
    ['audit list --action', () => listAudit(sdb.db, actors.MANAGEMENT, { action: 'contract.pay' }, page)],
    ['audit list --since', () => listAudit(sdb.db, actors.MANAGEMENT, { since: inDays(-0.01) }, page)],
    // Not a list: the scheduling-conflict check of an assignment (here once per person, as the support picker runs it).
    ['support picker / overlap check', () => supportChoices(sdb.db, { id: 0, name: 'new', startAt: inDays(3), endAt: inDays(3.25) })],
    // Not a list, but it runs before every authenticated command.
    ['upcoming-event reminders check', () => notifyUpcomingEvents(sdb.db)],
  ];

  async function expectNoSequentialScan(query: Captured): Promise<void> {
    const [row] = (await sdb.sql.query(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.parameters)) as { 'QUERY PLAN': [{ Plan: PlanNode }] | string }[];
    const plan = (typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'])[0].Plan as PlanNode;
    // On failure the message shows the whole plan.
    expect({ sequentialScans: sequentialScans(plan), plan: describePlan(plan) }).toEqual({ sequentialScans: [], plan: describePlan(plan) });
  }

  it.each(cases)('should use indexes, never a sequential scan of a large table, for %s', async (_label, call) => {
    captured.length = 0;
    await call();
    const query = captured.filter((c) => /^\s*SELECT/i.test(c.sql)).pop();
    if (!query) throw new Error('the service sent no SELECT');
    await expectNoSequentialScan(query);
  });

  // MANAGEMENT's and SALES's figures add up every contract (of a salesperson's clients): those
  // read the table by design. A SUPPORT employee's report is all ranges of indexes.
  it('should use indexes for every query of the SUPPORT report (upcoming events and their count)', async () => {
    captured.length = 0;
    await supportReport(sdb.db.dataSource.manager, supportId, { now, timeZone: 'Europe/Paris' });
    const queries = captured.filter((c) => /^\s*SELECT/i.test(c.sql));
    expect(queries).toHaveLength(2);
    for (const query of queries) await expectNoSequentialScan(query);
  });
});
