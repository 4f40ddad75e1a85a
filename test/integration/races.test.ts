import fs from 'node:fs';
import path from 'node:path';
import { fromCents, toCents } from '../../src/validation/parse';
import { type CliOptions, type CliResult, runCli, tempHome } from '../support/cli';
import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { type RaceReport, writeReliabilityReport } from '../support/reliability-report';
import { holdRowLock, waitForBlocked, watchRuns } from '../support/row-locks';
import { type AddedServer, cliMode, createEmptyTestDatabase, createTestDatabase, emptyEmbeddedFolder, serverUrl, superuserClient, type TestDatabase } from '../support/test-database';
import { initManager, login, TEST_PASSWORD, type TestUser, userFor } from '../support/users';
import { LAST_MANAGER_HINT, lastManagerMessage } from '../../src/domain/roles';

/**
 * Races through the real binary, on a server, each run several rounds. Every contender is a
 * separate `epicevents` process with its own connection; where the outcome depends on the
 * contenders meeting at the same row, another connection holds that row's lock until all of them
 * are blocked on it, then lets go, so the interleaving is the worst one and not a matter of luck.
 *
 * The server races are skipped on the embedded engine: it serves one process per data folder, so
 * nothing can interleave there, except processes that reach the folder by two paths (the last
 * describe, which always runs). (auth.test.ts has one round of racing inits and the refresh replay
 * in one process; contract-event-concurrency.test.ts races the services in-process.)
 *
 * In the `server mode` project every contender goes through a real `epicevents serve`, with
 * servers enough that the race is the database's: a pool of connections larger than the number of
 * contenders, a server per contender where a server remembers something in memory (the reminders it
 * posted, the failed logins it counted), and servers with the settings a race needs (1 s tokens).
 */
const SERVER_MODE = cliMode() === 'server';
/** Connections of a server that serves a race: every contender blocked on the row at once, and the test's own. */
const RACE_POOL = { env: { EPICEVENTS_DB_POOL: '40' } };
const onServer = serverUrl() ? describe : describe.skip;
const RACE_TIMEOUT_MS = 180_000;
const report: RaceReport = { suite: 'races', database: 'server', finishedAt: '', durationMs: 0, races: [] };
const startedAt = Date.now();

let db: TestDatabase;
let manager: TestUser;
let otherManager: TestUser;
let sales: TestUser & { id: number };

function record(name: string, rounds: number, contenders: number, outcome: string, violations: string[]): void {
  report.races.push({ name, rounds, contenders, outcome, violations: violations.length });
}

// The report is the server suite's (docs/reliability.md): written once every race of the file ran.
afterAll(() => {
  if (!serverUrl() || report.races.length === 0) return;
  report.finishedAt = new Date().toISOString();
  report.durationMs = Date.now() - startedAt;
  writeReliabilityReport(report);
});

/** An access token of the person, as a script gets one (`login --print-token`), for EPICEVENTS_TOKEN. */
async function printedToken(user: TestUser, password: string): Promise<string> {
  const result = await user.run(['login', '--email', user.email, '--password-stdin', '--print-token'], { stdin: `${password}\n` });
  if (result.code !== 0) throw new Error(`login --print-token of ${user.email} failed (${result.code}): ${result.stderr}`);
  return result.stdout.trim();
}

const codes = (results: CliResult[]) => results.map((r) => r.code).sort((a, b) => (a ?? -1) - (b ?? -1));
const noStackTrace = (results: CliResult[]) => results.every((r) => !/\n\s+at /.test(r.stderr));

onServer('races on a server', () => {
  beforeAll(async () => {
    db = await createTestDatabase({ server: RACE_POOL });
    manager = await initManager(db);
    await insertEmployee(db, { role: 'MANAGEMENT', email: 'grace@epic.events' });
    otherManager = userFor(db, 'grace@epic.events');
    await login(otherManager, FACTORY_PASSWORD);
    const salesRow = await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events' });
    sales = Object.assign(userFor(db, 'bill@epic.events'), { id: salesRow.id });
    await login(sales, FACTORY_PASSWORD);
  });

  afterAll(async () => db.close());

  it(
    'should create exactly one manager, round after round, when 4 inits race on an empty database',
    async () => {
      const rounds = 5;
      const violations: string[] = [];
      // Direct mode: a database without even the schema, which the inits create as they race. Server
      // mode: a server of its own each round, on a migrated database (its administrator migrates it).
      // Every round's database is made first, all at once; the rounds then race one after the other.
      const raceDbs = await Promise.all(Array.from({ length: rounds }, () => (SERVER_MODE ? createTestDatabase() : createEmptyTestDatabase())));
      try {
        for (const [round, raceDb] of raceDbs.entries()) {
          const results = await Promise.all(
            [1, 2, 3, 4].map((i) =>
              runCli(['init', '--first-name', 'M', '--last-name', String(i), '--email', `m${i}@epic.events`, '--password-stdin'], {
                env: { ...raceDb.env, EPICEVENTS_HOME: tempHome() },
                stdin: `${TEST_PASSWORD}\n`,
              }),
            ),
          );
          const [{ n }] = await raceDb.query<{ n: number }>('SELECT count(*)::int AS n FROM employees');
          if (JSON.stringify(codes(results)) !== '[0,6,6,6]' || n !== 1 || !noStackTrace(results)) {
            violations.push(`round ${round}: exits ${codes(results).join(',')}, ${n} employees: ${results.map((r) => r.stderr.trim()).join(' | ')}`);
          }
        }
      } finally {
        await Promise.all(raceDbs.map((raceDb) => raceDb.close()));
      }
      record('init on an empty database', rounds, 4, 'one account created, the others exit 6', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'should let exactly one of 4 `client create` with the same email in different cases succeed; the others exit 6',
    async () => {
      const rounds = 8;
      const violations: string[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const emails = [`race${round}@startup.io`, `RACE${round}@startup.io`, `Race${round}@Startup.IO`, `race${round}@STARTUP.IO`];
        // An uncommitted client with the same email: every contender finds the email free (the row
        // is not visible to it), then waits on the unique index for that transaction. When it rolls
        // back, all of them have passed the check before any inserts, so the unique index decides.
        // (Holding a lock they take before the check, as before, let a contender scheduled late run
        // the check after the winner's commit: the same exit 6, but the service's message.)
        const gate = superuserClient(db.url);
        await gate.connect();
        await gate.query('BEGIN');
        await gate.query(`INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id) VALUES ('Gate', $1, '+33612345678', 'Gate', $2)`, [
          `race${round}@startup.io`,
          sales.id,
        ]);
        const pending = emails.map((email) =>
          sales.run(['client', 'create', '--full-name', 'Kevin Casey', '--email', email, '--phone', '+33612345678', '--company', 'Cool Startup'], { timeoutMs: 90_000 }),
        );
        try {
          await waitForBlocked(db.url!, emails.length, 60_000, watchRuns(pending));
        } finally {
          await gate.query('ROLLBACK');
          await gate.end();
        }
        const results = await Promise.all(pending);
        const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM clients WHERE lower(email) = $1', [`race${round}@startup.io`]);
        const audit = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'client.create' AND lower(changes -> 'email' ->> 'after') = $1`,
          [`race${round}@startup.io`],
        );
        const refusals = results.filter((r) => r.code === 6);
        if (
          JSON.stringify(codes(results)) !== '[0,6,6,6]' ||
          rows[0].n !== 1 ||
          audit[0].n !== 1 ||
          !refusals.every((r) => /a client with this email already exists/.test(r.stderr)) ||
          !noStackTrace(results)
        ) {
          violations.push(`round ${round}: exits ${codes(results).join(',')}, ${rows[0].n} rows, ${audit[0].n} audit entries; ${results.map((r) => r.stderr.trim()).join(' | ')}`);
        }
      }
      record('client create, same email in different cases', rounds, 4, 'one client, the others exit 6 (unique index)', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'should accept payments from 20 simultaneous `contract pay` that sum exactly to what was due and never go below zero',
    async () => {
      const rounds = 5;
      const contenders = 20;
      const violations: string[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const client = await insertClient(db, { salesContactId: sales.id });
        const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, totalAmount: '1000.00', isSigned: true });
        // Even rounds: 20 × 100.00 on 1000.00, so exactly ten fit. Odd rounds: 50.07 to 126.07, uneven.
        const amounts = Array.from({ length: contenders }, (_, i) => (round % 2 === 0 ? '100.00' : fromCents(5007n + BigInt(i) * 400n)));
        const lock = await holdRowLock(db.url!, 'contracts', 'id = $1', [contract.id]);
        const pending = amounts.map((amount) => manager.run(['contract', 'pay', String(contract.id), '--amount', amount, '--json'], { timeoutMs: 90_000 }));
        try {
          await waitForBlocked(db.url!, contenders, 60_000, watchRuns(pending));
        } finally {
          await lock.release();
        }
        const results = await Promise.all(pending);
        const [{ due }] = await db.query<{ due: string }>('SELECT amount_due::text AS due FROM contracts WHERE id = $1', [contract.id]);
        const accepted = amounts.filter((_, i) => results[i].code === 0);
        const paid = accepted.reduce((sum, amount) => sum + toCents(amount), 0n);
        const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'contract.pay' AND entity_id = $1`, [contract.id]);
        const problems = [
          results.some((r) => r.code !== 0 && r.code !== 6) && `exits ${codes(results).join(',')}`,
          toCents(due) < 0n && `amount due ${due} below zero`,
          toCents('1000.00') - paid !== toCents(due) && `accepted payments sum to ${fromCents(paid)} but the due went from 1000.00 to ${due}`,
          round % 2 === 0 && (accepted.length !== 10 || due !== '0.00') && `${accepted.length} of 20 × 100.00 accepted, ${due} still due`,
          amounts.some((amount, i) => results[i].code === 6 && toCents(amount) <= toCents(due)) && 'a payment that fitted was refused',
          n !== accepted.length && `${n} audit entries for ${accepted.length} payments`,
          !noStackTrace(results) && 'stack trace',
        ].filter(Boolean);
        if (problems.length > 0) violations.push(`round ${round}: ${problems.join('; ')}`);
      }
      record('contract pay on one contract', rounds, contenders, 'accepted payments sum exactly to the decrease; due never below zero; the rest exit 6', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'should refuse a payment by a salesperson whose client is handed to someone else at that moment',
    async () => {
      const rounds = 5;
      const violations: string[] = [];
      const other = await insertEmployee(db, { role: 'SALES', email: 'olga@epic.events' });
      for (let round = 0; round < rounds; round += 1) {
        const client = await insertClient(db, { salesContactId: sales.id });
        const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, totalAmount: '1000.00', isSigned: true });
        // A manager's reassignment, written but not yet committed, when the old owner pays.
        const reassignment = superuserClient(db.url);
        await reassignment.connect();
        await reassignment.query('BEGIN');
        await reassignment.query('UPDATE clients SET sales_contact_id = $2, version = version + 1 WHERE id = $1', [client.id, other.id]);
        const pending = sales.run(['contract', 'pay', String(contract.id), '--amount', '100'], { timeoutMs: 90_000 });
        try {
          await waitForBlocked(db.url!, 1, 60_000, watchRuns([pending]));
          await reassignment.query('COMMIT');
        } finally {
          await reassignment.end();
        }
        const result = await pending;
        const [{ due }] = await db.query<{ due: string }>('SELECT amount_due::text AS due FROM contracts WHERE id = $1', [contract.id]);
        if (result.code !== 4 || due !== '1000.00') violations.push(`round ${round}: exit ${result.code}, ${due} due: ${result.stderr.trim()}`);
      }
      record('contract pay by the old owner during a client reassignment', rounds, 2, 'the payment waits for the reassignment, then exits 4; nothing paid', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'should let one of two managers assigning different support people win and refuse the other with exit 6, with or without --expected-version',
    async () => {
      const rounds = 6;
      const violations: string[] = [];
      const kate = await insertEmployee(db, { role: 'SUPPORT', email: 'kate@epic.events' });
      const otto = await insertEmployee(db, { role: 'SUPPORT', email: 'otto@epic.events' });
      for (let round = 0; round < rounds; round += 1) {
        const client = await insertClient(db, { salesContactId: sales.id });
        const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, isSigned: true });
        const event = await insertEvent(db, { contractId: contract.id });
        // Odd rounds: both say which version they read (a script's way); even rounds: neither does,
        // and the service's own read is what guards the write.
        const version = round % 2 === 1 ? ['--expected-version', '1'] : [];
        const lock = await holdRowLock(db.url!, 'events', 'id = $1', [event.id]);
        const pending = [
          manager.run(['event', 'update', String(event.id), '--support', String(kate.id), ...version, '--json'], { timeoutMs: 90_000 }),
          otherManager.run(['event', 'update', String(event.id), '--support', String(otto.id), ...version, '--json'], { timeoutMs: 90_000 }),
        ];
        try {
          await waitForBlocked(db.url!, 2, 60_000, watchRuns(pending));
        } finally {
          await lock.release();
        }
        const results = await Promise.all(pending);
        const winner = results[0].code === 0 ? kate : otto;
        const [row] = await db.query<{ support_contact_id: number; version: number }>('SELECT support_contact_id, version FROM events WHERE id = $1', [event.id]);
        const audit = await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity_type = 'event' AND entity_id = $1`, [event.id]);
        const notices = await db.query<{ recipient_id: number }>(`SELECT recipient_id FROM notifications WHERE entity_type = 'event' AND entity_id = $1`, [event.id]);
        const loser = results.find((r) => r.code !== 0);
        if (
          JSON.stringify(codes(results)) !== '[0,6]' ||
          !/changed by someone else/.test(loser?.stderr ?? '') ||
          row.support_contact_id !== winner.id ||
          row.version !== 2 ||
          audit.length !== 1 ||
          notices.length !== 1 ||
          notices[0].recipient_id !== winner.id
        ) {
          violations.push(`round ${round}: exits ${codes(results).join(',')}, support ${row.support_contact_id}, version ${row.version}, ${audit.length} audit, ${notices.length} notices`);
        }
      }
      record('event update --support by two managers', rounds, 2, 'one assignment lands; the other exits 6, nothing of it written', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'should write one 7-day reminder per event when 4 commands find it missing at the same moment',
    async () => {
      const rounds = 5;
      const contenders = 4;
      const violations: string[] = [];
      const people = [manager, otherManager, sales, manager];
      // A server posts the reminders at most once a minute: in server mode each contender comes to a
      // fresh server of its own, with an access token of the person (tokens hold on every server).
      const passwords = [TEST_PASSWORD, FACTORY_PASSWORD, FACTORY_PASSWORD, TEST_PASSWORD];
      const tokens = SERVER_MODE ? await Promise.all(people.map((person, i) => printedToken(person, passwords[i]))) : [];
      for (let round = 0; round < rounds; round += 1) {
        const client = await insertClient(db, { salesContactId: sales.id });
        const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, isSigned: true });
        const event = await insertEvent(db, { contractId: contract.id, startAt: new Date(Date.now() + 2 * 86400_000) });
        const servers = SERVER_MODE ? await Promise.all(people.map(() => db.addServer!())) : [];
        // SHARE mode lets every contender read that the reminder is missing, and holds back its
        // INSERT: all of them insert at once when it lets go, and the unique index decides.
        const gate = superuserClient(db.url);
        await gate.connect();
        await gate.query('BEGIN');
        await gate.query('LOCK TABLE notifications IN SHARE MODE');
        const pending = people.map((user, i) =>
          user.run(['whoami', '--json'], { timeoutMs: 90_000, env: SERVER_MODE ? { ...servers[i].env, EPICEVENTS_TOKEN: tokens[i] } : {} }),
        );
        try {
          await waitForBlocked(db.url!, contenders, 60_000, watchRuns(pending));
        } finally {
          await gate.query('ROLLBACK');
          await gate.end();
        }
        const results = await Promise.all(pending);
        await Promise.all(servers.map((server) => server.stop()));
        const reminders = await db.query<{ recipient_id: number }>(`SELECT recipient_id FROM notifications WHERE kind = 'event_upcoming' AND entity_id = $1`, [event.id]);
        if (results.some((r) => r.code !== 0) || reminders.length !== 1 || reminders[0].recipient_id !== sales.id || !noStackTrace(results)) {
          violations.push(`round ${round}: exits ${codes(results).join(',')}, ${reminders.length} reminders: ${results.map((r) => r.stderr.trim()).join(' | ')}`);
        }
      }
      record('7-day reminder of one event, from 4 commands at once', rounds, contenders, 'one reminder; every command exits 0', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'should let at most one of 4 copies of a session refresh its token; the replay revokes the whole login',
    async () => {
      const rounds = 5;
      const contenders = 4;
      const violations: string[] = [];
      const support = await insertEmployee(db, { role: 'SUPPORT', email: 'rita@epic.events' });
      // The access token's lifetime is the setting of whoever signs it: the CLI in direct mode, the server in server mode.
      const shortTokens = SERVER_MODE ? (await db.addServer!({ env: { EPICEVENTS_ACCESS_TTL: '1s' } })).env : { EPICEVENTS_ACCESS_TTL: '1s' };
      // Each round's session (a login whose access token lives one second, copied to four
      // machines) is made first, so that one wait lets every round's access token expire.
      const sessions: { copies: TestUser[]; familyId: string }[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const original = userFor(db, support.email, shortTokens);
        await login(original, FACTORY_PASSWORD);
        const credentials = fs.readFileSync(path.join(original.home, 'credentials.json'));
        const copies = Array.from({ length: contenders }, () => {
          const copy = userFor(db, support.email, shortTokens);
          fs.writeFileSync(path.join(copy.home, 'credentials.json'), credentials, { mode: 0o600 });
          return copy;
        });
        const [{ family_id: familyId }] = await db.query<{ family_id: string }>(
          'SELECT f.id AS family_id FROM session_families f JOIN employees e ON e.id = f.employee_id WHERE e.email = $1 ORDER BY f.created_at DESC LIMIT 1',
          [support.email],
        );
        sessions.push({ copies, familyId });
      }
      // A token issued in second S (its iat, whole seconds) with a 1 s lifetime is expired from S + 1 on.
      const allExpiredAt = (Math.floor(Date.now() / 1000) + 1) * 1000;
      while (Date.now() < allExpiredAt + 50) await new Promise((resolve) => setTimeout(resolve, allExpiredAt + 50 - Date.now()));
      for (const [round, { copies, familyId }] of sessions.entries()) {
        const lock = await holdRowLock(db.url!, 'refresh_tokens', 'family_id = $1', [familyId]);
        const pending = copies.map((copy) => copy.run(['whoami', '--json'], { timeoutMs: 90_000 }));
        try {
          await waitForBlocked(db.url!, contenders, 60_000, watchRuns(pending));
        } finally {
          await lock.release();
        }
        const results = await Promise.all(pending);
        const [family] = await db.query<{ revoked_reason: string | null }>('SELECT revoked_reason FROM session_families WHERE id = $1', [familyId]);
        const rotated = await db.query('SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND used_at IS NOT NULL', [familyId]);
        const winners = results.filter((r) => r.code === 0);
        const after = winners.length === 1 ? await copies[results.indexOf(winners[0])].run(['whoami']) : undefined;
        const problems = [
          winners.length > 1 && `${winners.length} refreshes succeeded`,
          results.some((r) => r.code !== 0 && r.code !== 3) && `exits ${codes(results).join(',')}`,
          family.revoked_reason !== 'refresh_replay' && `family revoked as ${family.revoked_reason}`,
          rotated.length !== 1 && `${rotated.length} refresh tokens marked used`,
          after && after.code !== 3 && `the winner still works after the replay (exit ${after.code})`,
          !results.filter((r) => r.code === 3).some((r) => /refresh token was used twice/.test(r.stderr)) && 'no replay was reported',
        ].filter(Boolean);
        if (problems.length > 0) violations.push(`round ${round}: ${problems.join('; ')}`);
      }
      record('refresh of one refresh token from 4 copies', rounds, contenders, 'at most one refresh; the replay revokes the login for everyone', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );
});


onServer('a command whose author is deactivated while it waits', () => {
  let raceDb: TestDatabase;

  afterAll(async () => raceDb?.close());

  it(
    "should refuse (exit 3, nothing written) a manager's `employee update` that waited on a row lock while the manager was deactivated",
    async () => {
      raceDb = await createTestDatabase();
      const boss = await initManager(raceDb);
      const leaving = await insertEmployee(raceDb, { role: 'MANAGEMENT', email: 'leaving@epic.events' });
      const leavingUser = userFor(raceDb, leaving.email);
      const target = await insertEmployee(raceDb, { role: 'SUPPORT', firstName: 'Unchanged' });
      const rounds = 3;
      const violations: string[] = [];
      for (let round = 0; round < rounds; round += 1) {
        await raceDb.query('UPDATE employees SET is_active = true WHERE id = $1', [leaving.id]);
        await login(leavingUser, FACTORY_PASSWORD);
        const lock = await holdRowLock(raceDb.url!, 'employees', 'id = $1', [target.id]);
        let deactivation: CliResult | undefined;
        const pending = leavingUser.run(['employee', 'update', String(target.id), '--first-name', `Round${round}`], { timeoutMs: 90_000 });
        try {
          // The update has authenticated and waits for the target's row; its author is deactivated meanwhile.
          await waitForBlocked(raceDb.url!, 1, 60_000, watchRuns([pending]));
          deactivation = await boss.run(['employee', 'deactivate', String(leaving.id)], { timeoutMs: 90_000 });
        } finally {
          await lock.release();
        }
        const result = await pending;
        const [row] = await raceDb.query<{ first_name: string }>('SELECT first_name FROM employees WHERE id = $1', [target.id]);
        const audit = await raceDb.query(`SELECT 1 FROM audit_log WHERE action = 'employee.update' AND actor_id = $1`, [leaving.id]);
        const problems = [
          deactivation?.code !== 0 && `the deactivation exited ${deactivation?.code}: ${deactivation?.stderr.trim()}`,
          (result.code !== 3 || !/deactivated/.test(result.stderr)) && `the update exited ${result.code}: ${result.stderr.trim()}`,
          !noStackTrace([result]) && 'a stack trace',
          row.first_name !== 'Unchanged' && `the name became ${row.first_name}`,
          audit.length > 0 && `${audit.length} audit entries of the update`,
        ].filter(Boolean);
        if (problems.length > 0) violations.push(`round ${round}: ${problems.join('; ')}`);
      }
      record('employee update by a manager deactivated while it waits', rounds, 2, 'the update exits 3 and writes nothing', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );
});

/**
 * The embedded engine's folder lock, reached by two paths. It runs whatever TEST_DATABASE_URL says,
 * on an embedded folder of its own: half the writers name the folder, the other half a symlink to
 * it. With the lock keyed on the path given, each half took its own lock and PGlite's copies in
 * memory overwrote each other's files: commands exited 0 and their clients were gone.
 */
// The subject is the embedded engine's folder lock between direct-mode processes: nothing of it goes through a server.
const directOnly = SERVER_MODE ? describe.skip : describe;

directOnly('races on the embedded engine', () => {
  let folder: string;
  /** One folder for the session and, inside it, the embedded database. */
  const inFolder = (home: string) => ({ EPICEVENTS_HOME: home, EPICEVENTS_DATA_DIR: path.join(home, 'data'), DATABASE_URL: undefined });
  /** The lock between processes is the subject: every command is a process of its own. */
  const runBinary = (args: string[], options: CliOptions) => runCli(args, { ...options, process: true });

  beforeAll(async () => {
    folder = tempHome();
    emptyEmbeddedFolder(path.join(folder, 'data'));
    const env = inFolder(folder);
    const init = await runBinary(['init', '--first-name', 'Ada', '--last-name', 'L', '--email', 'ada@epic.events', '--password-stdin'], { env, stdin: `${TEST_PASSWORD}\n` });
    const adaLogin = await runBinary(['login', '--email', 'ada@epic.events', '--password-stdin'], { env, stdin: `${TEST_PASSWORD}\n` });
    const create = await runBinary(['employee', 'create', '--first-name', 'Bill', '--last-name', 'B', '--email', 'bill@epic.events', '--role', 'SALES', '--password-stdin'], {
      env,
      stdin: `${TEST_PASSWORD}\n`,
    });
    const billLogin = await runBinary(['login', '--email', 'bill@epic.events', '--password-stdin'], { env, stdin: `${TEST_PASSWORD}\n` });
    const failed = [init, adaLogin, create, billLogin].find((r) => r.code !== 0);
    if (failed) throw new Error(`setting up the embedded folder failed (${failed.code}): ${failed.stderr}`);
  }, RACE_TIMEOUT_MS);

  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it(
    'should keep every client when `client create` runs in parallel through the folder and through a symlink to it',
    async () => {
      const rounds = 3;
      const contenders = 4;
      const link = `${folder}-link`;
      fs.symlinkSync(folder, link);
      const violations: string[] = [];
      try {
        let expected = 0;
        for (let round = 0; round < rounds; round += 1) {
          const results = await Promise.all(
            Array.from({ length: contenders }, (_, i) =>
              runBinary(['client', 'create', '--full-name', `Writer ${round}-${i}`, '--email', `writer${round}-${i}@startup.io`, '--phone', '+33612345678', '--company', 'Cool Startup'], {
                env: inFolder(i % 2 === 0 ? folder : link),
                timeoutMs: 150_000,
              }),
            ),
          );
          expected += results.filter((r) => r.code === 0).length;
          const list = await runBinary(['client', 'list', '--json', '--limit', '500'], { env: inFolder(folder) });
          const kept = list.code === 0 ? list.json<unknown[]>().length : -1;
          if (results.some((r) => r.code !== 0) || kept !== expected || !noStackTrace(results)) {
            violations.push(`round ${round}: exits ${codes(results).join(',')}, ${kept} clients kept of ${expected} created: ${results.map((r) => r.stderr.trim()).join(' | ')}`);
            expected = kept;
          }
        }
      } finally {
        fs.rmSync(link, { force: true });
      }
      record('client create on one embedded folder, through the folder and a symlink to it', rounds, contenders, 'every command exits 0 and every client is kept', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );
});

onServer('the last active manager, deactivated while another manager leaves', () => {
  let raceDb: TestDatabase;

  afterAll(async () => raceDb?.close());

  it(
    'should refuse (exit 6, one line, nothing changed) `employee deactivate` of the other manager when the caller\'s own deactivation commits while it waits',
    async () => {
      raceDb = await createTestDatabase();
      await initManager(raceDb);
      const rounds = 3;
      const violations: string[] = [];
      for (let round = 0; round < rounds; round += 1) {
        // Two active managers only: the caller and the one it deactivates.
        const caller = await insertEmployee(raceDb, { role: 'MANAGEMENT', email: `caller${round}@epic.events` });
        const other = await insertEmployee(raceDb, { role: 'MANAGEMENT', email: `other${round}@epic.events` });
        await raceDb.query(`UPDATE employees SET is_active = false WHERE role = 'MANAGEMENT' AND id NOT IN ($1, $2)`, [caller.id, other.id]);
        const callerUser = userFor(raceDb, caller.email);
        await login(callerUser, FACTORY_PASSWORD);
        // Another connection deactivates the caller (allowed: \`other\` stays) and holds its row until the command waits for it.
        const gate = superuserClient(raceDb.url);
        await gate.connect();
        await gate.query('BEGIN');
        await gate.query('UPDATE employees SET is_active = false WHERE id = $1', [caller.id]);
        const pending = callerUser.run(['employee', 'deactivate', String(other.id)], { timeoutMs: 90_000 });
        try {
          await waitForBlocked(raceDb.url!, 1, 60_000, watchRuns([pending]));
          await gate.query('COMMIT');
        } finally {
          await gate.end();
        }
        const result = await pending;
        const [row] = await raceDb.query<{ active: number }>(`SELECT count(*)::int AS active FROM employees WHERE role = 'MANAGEMENT' AND is_active`);
        const [still] = await raceDb.query<{ is_active: boolean }>('SELECT is_active FROM employees WHERE id = $1', [other.id]);
        const audit = await raceDb.query(`SELECT 1 FROM audit_log WHERE action = 'employee.deactivate' AND entity_id = $1`, [other.id]);
        const expected = `error: ${lastManagerMessage(other.id, 'deactivated')} (${LAST_MANAGER_HINT})`;
        const problems = [
          (result.code !== 6 || result.stderr.trimEnd() !== expected || result.stdout !== '') && `exit ${result.code}: ${result.stderr.trim()}`,
          !noStackTrace([result]) && 'a stack trace',
          (!still.is_active || row.active !== 1) && `${row.active} active managers, the other one ${still.is_active ? 'active' : 'deactivated'}`,
          audit.length > 0 && `${audit.length} audit entries of the deactivation`,
        ].filter(Boolean);
        if (problems.length > 0) violations.push(`round ${round}: ${problems.join('; ')}`);
        // The next round starts with a manager of its own: this one stays the tenant's.
        await raceDb.query('UPDATE employees SET is_active = true WHERE id = $1', [caller.id]);
      }
      record('employee deactivate of the last other manager, the caller deactivated meanwhile', rounds, 2, 'exit 6, one manager left, nothing written', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );
});

onServer('races on a server: scheduling conflicts', () => {
  let scheduleDb: TestDatabase;
  let first: TestUser;
  let second: TestUser;

  beforeAll(async () => {
    scheduleDb = await createTestDatabase();
    first = await initManager(scheduleDb);
    await insertEmployee(scheduleDb, { role: 'MANAGEMENT', email: 'grace@epic.events' });
    second = userFor(scheduleDb, 'grace@epic.events');
    await login(second, FACTORY_PASSWORD);
  });

  afterAll(async () => scheduleDb.close());

  it(
    'should let only one of two managers give one support person two overlapping events at the same moment; the other exits 6 naming it',
    async () => {
      const rounds = 5;
      const violations: string[] = [];
      const seller = await insertEmployee(scheduleDb, { role: 'SALES' });
      const kate = await insertEmployee(scheduleDb, { role: 'SUPPORT', email: 'kate@epic.events' });
      for (let round = 0; round < rounds; round += 1) {
        const client = await insertClient(scheduleDb, { salesContactId: seller.id });
        const contract = await insertContract(scheduleDb, { clientId: client.id, salesContactId: seller.id, isSigned: true });
        // Two events of one evening, an hour apart, each starting before the other ends.
        const evening = Date.parse('2031-03-02T18:00:00Z') + round * 7 * 86_400_000;
        const events = [
          await insertEvent(scheduleDb, { contractId: contract.id, startAt: new Date(evening), endAt: new Date(evening + 4 * 3600_000) }),
          await insertEvent(scheduleDb, { contractId: contract.id, startAt: new Date(evening + 3600_000), endAt: new Date(evening + 5 * 3600_000) }),
        ];
        // Both assignments reach the support person's row, which every check of their schedule
        // locks first, while another connection holds it: neither has looked for an overlap yet.
        const lock = await holdRowLock(scheduleDb.url!, 'employees', 'id = $1', [kate.id]);
        const pending = [first, second].map((user, i) => user.run(['event', 'update', String(events[i].id), '--support', String(kate.id), '--json'], { timeoutMs: 90_000 }));
        try {
          await waitForBlocked(scheduleDb.url!, 2, 60_000, watchRuns(pending));
        } finally {
          await lock.release();
        }
        const results = await Promise.all(pending);
        const assigned = await scheduleDb.query<{ id: number }>('SELECT id FROM events WHERE id = ANY($1::int[]) AND support_contact_id = $2', [events.map((e) => e.id), kate.id]);
        const audit = await scheduleDb.query(`SELECT 1 FROM audit_log WHERE action = 'event.assign-support' AND entity_id = ANY($1::int[])`, [events.map((e) => e.id)]);
        const winner = results.findIndex((r) => r.code === 0);
        const loser = results.find((r) => r.code !== 0);
        const problems = [
          JSON.stringify(codes(results)) !== '[0,6]' && `exits ${codes(results).join(',')}`,
          assigned.length !== 1 && `${assigned.length} of the two overlapping events assigned to the same person`,
          audit.length !== 1 && `${audit.length} audit entries`,
          winner >= 0 && !new RegExp(`already supports event ${events[winner].id} `).test(loser?.stderr ?? '') && `the refusal does not name the other event: ${loser?.stderr.trim()}`,
          !noStackTrace(results) && 'stack trace',
        ].filter(Boolean);
        if (problems.length > 0) violations.push(`round ${round}: ${problems.join('; ')}`);
      }
      record('event update --support: one person, two overlapping events, two managers', rounds, 2, 'one assignment lands; the other exits 6 naming the event it overlaps', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS,
  );
});

onServer('lockout under parallel logins', () => {
  let lockoutDb: TestDatabase;

  beforeAll(async () => {
    lockoutDb = await createTestDatabase();
  });

  afterAll(async () => lockoutDb.close());

  it(
    'should lock an account hit by 30 parallel wrong logins and refuse the right password until the lock ends',
    async () => {
      const rounds = 2;
      const contenders = 30;
      const violations: string[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const target = await insertEmployee(lockoutDb, { role: 'SALES', email: `target${round}@epic.events` });
        // Server mode: the server counts failed logins in memory too (per address and per email), and
        // would refuse a second round, and the right password, before the account's lockout is read.
        // The wrong logins go to a fresh server; the right password to another one, which knows only
        // the lockout the first recorded in the database.
        const [racing, checking] = SERVER_MODE ? await Promise.all([lockoutDb.addServer!(RACE_POOL), lockoutDb.addServer!()]) : [];
        const loginEnv = (server: AddedServer | undefined) => ({ ...lockoutDb.env, ...server?.env, EPICEVENTS_HOME: tempHome() });
        // Every attempt reaches the employee row at the same moment: the failures that passed the
        // lock check before the lock was written are the ones that used to clear it.
        const lock = await holdRowLock(lockoutDb.url!, 'employees', 'id = $1', [target.id]);
        const pending = Array.from({ length: contenders }, (_, i) =>
          runCli(['login', '--email', target.email, '--password-stdin'], {
            env: loginEnv(racing),
            stdin: `wrong-password-${round}-${i}\n`,
            timeoutMs: 120_000,
          }),
        );
        try {
          await waitForBlocked(lockoutDb.url!, contenders, 100_000, watchRuns(pending));
        } finally {
          await lock.release();
        }
        const results = await Promise.all(pending);
        const [row] = await lockoutDb.query<{ failed_login_count: number; locked: boolean }>(
          'SELECT failed_login_count, coalesce(locked_until > now() + interval \'14 minutes\', false) AS locked FROM employees WHERE id = $1',
          [target.id],
        );
        const right = await runCli(['login', '--email', target.email, '--password-stdin'], {
          env: loginEnv(checking),
          stdin: `${FACTORY_PASSWORD}\n`,
        });
        const [audited] = await lockoutDb.query<{ failed: number; lockouts: number }>(
          `SELECT count(*) FILTER (WHERE action = 'session.login-failed')::int AS failed, count(*) FILTER (WHERE action = 'session.lockout')::int AS lockouts
             FROM audit_log WHERE entity_type = 'employee' AND entity_id = $1`,
          [target.id],
        );
        // The lock over (moved into the past), the right password works again.
        await lockoutDb.query("UPDATE employees SET locked_until = now() - interval '1 second' WHERE id = $1", [target.id]);
        const afterLock = await runCli(['login', '--email', target.email, '--password-stdin'], {
          env: loginEnv(checking),
          stdin: `${FACTORY_PASSWORD}\n`,
        });
        await Promise.all([racing?.stop(), checking?.stop()]);
        const problems = [
          results.some((r) => r.code !== 3) && `exits ${codes(results).join(',')}`,
          afterLock.code !== 0 && `the right password after the lock got exit ${afterLock.code}: ${afterLock.stderr.trim()}`,
          !row.locked && `not locked (failed_login_count ${row.failed_login_count})`,
          // Only a successful login lowers the count: 30 failures leave at least the lockout's 5.
          row.failed_login_count < 5 && `failed_login_count ${row.failed_login_count} after ${contenders} failures`,
          (right.code !== 3 || !/locked for \d+ more minute/.test(right.stderr)) && `the right password got exit ${right.code}: ${right.stderr.trim()}`,
          !noStackTrace([...results, right]) && 'stack trace',
          // Every failed attempt is in the audit trail (the right password's while locked too), and one lockout.
          JSON.stringify(audited) !== JSON.stringify({ failed: contenders + 1, lockouts: 1 }) && `audit entries ${JSON.stringify(audited)}`,
        ].filter(Boolean);
        if (problems.length > 0) violations.push(`round ${round}: ${problems.join('; ')}`);
      }
      record('30 wrong logins for one account at once', rounds, contenders, 'the account is locked; the right password is refused until the lock ends', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS * 2,
  );
});
