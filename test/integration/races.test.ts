import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { fromCents, toCents } from '../../src/validation/parse';
import { type CliResult, runCli, tempHome } from '../support/cli';
import { FACTORY_PASSWORD, insertClient, insertContract, insertEmployee, insertEvent } from '../support/factories';
import { type RaceReport, writeReliabilityReport } from '../support/reliability-report';
import { holdRowLock, waitForBlocked, watchRuns } from '../support/row-locks';
import { adminQuery, createTestDatabase, serverUrl, type TestDatabase, withDatabase } from '../support/test-database';
import { initManager, login, TEST_PASSWORD, type TestUser, userFor } from '../support/users';

/**
 * Races through the real binary, on a server, each run several rounds. Every contender is a
 * separate `epicevents` process with its own connection; where the outcome depends on the
 * contenders meeting at the same row, another connection holds that row's lock until all of them
 * are blocked on it, then lets go, so the interleaving is the worst one and not a matter of luck.
 *
 * Skipped on the embedded engine: it serves one process per data folder, so nothing can
 * interleave there. (auth.test.ts has one round of racing inits and the refresh replay in one
 * process; contract-event-concurrency.test.ts races the services in-process.)
 */
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

const codes = (results: CliResult[]) => results.map((r) => r.code).sort((a, b) => (a ?? -1) - (b ?? -1));
const noStackTrace = (results: CliResult[]) => results.every((r) => !/\n\s+at /.test(r.stderr));

onServer('races on a server', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    manager = await initManager(db);
    await insertEmployee(db, { role: 'MANAGEMENT', email: 'grace@epic.events' });
    otherManager = userFor(db, 'grace@epic.events');
    await login(otherManager, FACTORY_PASSWORD);
    const salesRow = await insertEmployee(db, { role: 'SALES', email: 'bill@epic.events' });
    sales = Object.assign(userFor(db, 'bill@epic.events'), { id: salesRow.id });
    await login(sales, FACTORY_PASSWORD);
  });

  afterAll(async () => {
    report.finishedAt = new Date().toISOString();
    report.durationMs = Date.now() - startedAt;
    if (report.races.length > 0) writeReliabilityReport(report);
    await db.close();
  });

  it(
    'should create exactly one manager, round after round, when 4 inits race on an empty database',
    async () => {
      const rounds = 5;
      const violations: string[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const name = `epicevents_init_race_${process.pid}_${round}_${Date.now()}`;
        await adminQuery(`CREATE DATABASE ${name}`);
        try {
          const url = withDatabase(serverUrl()!, name);
          const results = await Promise.all(
            [1, 2, 3, 4].map((i) =>
              runCli(['init', '--first-name', 'M', '--last-name', String(i), '--email', `m${i}@epic.events`, '--password-stdin'], {
                env: { DATABASE_URL: url, EPICEVENTS_HOME: tempHome() },
                stdin: `${TEST_PASSWORD}\n`,
              }),
            ),
          );
          const raceDb = new Client({ connectionString: url });
          await raceDb.connect();
          const [{ n }] = (await raceDb.query('SELECT count(*)::int AS n FROM employees')).rows as { n: number }[];
          await raceDb.end();
          if (JSON.stringify(codes(results)) !== '[0,6,6,6]' || n !== 1 || !noStackTrace(results)) {
            violations.push(`round ${round}: exits ${codes(results).join(',')}, ${n} employees: ${results.map((r) => r.stderr.trim()).join(' | ')}`);
          }
        } finally {
          await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
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
        const gate = new Client({ connectionString: db.url });
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
        const reassignment = new Client({ connectionString: db.url });
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
      for (let round = 0; round < rounds; round += 1) {
        const client = await insertClient(db, { salesContactId: sales.id });
        const contract = await insertContract(db, { clientId: client.id, salesContactId: sales.id, isSigned: true });
        const event = await insertEvent(db, { contractId: contract.id, startAt: new Date(Date.now() + 2 * 86400_000) });
        // SHARE mode lets every contender read that the reminder is missing, and holds back its
        // INSERT: all of them insert at once when it lets go, and the unique index decides.
        const gate = new Client({ connectionString: db.url });
        await gate.connect();
        await gate.query('BEGIN');
        await gate.query('LOCK TABLE notifications IN SHARE MODE');
        const pending = [manager, otherManager, sales, manager].map((user) => user.run(['whoami', '--json'], { timeoutMs: 90_000 }));
        try {
          await waitForBlocked(db.url!, contenders, 60_000, watchRuns(pending));
        } finally {
          await gate.query('ROLLBACK');
          await gate.end();
        }
        const results = await Promise.all(pending);
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
      for (let round = 0; round < rounds; round += 1) {
        // A session whose access token lives one second, copied to four machines.
        const original = userFor(db, support.email, { EPICEVENTS_ACCESS_TTL: '1s' });
        await login(original, FACTORY_PASSWORD);
        const credentials = fs.readFileSync(path.join(original.home, 'credentials.json'));
        const copies = Array.from({ length: contenders }, () => {
          const copy = userFor(db, support.email, { EPICEVENTS_ACCESS_TTL: '1s' });
          fs.writeFileSync(path.join(copy.home, 'credentials.json'), credentials, { mode: 0o600 });
          return copy;
        });
        await new Promise((resolve) => setTimeout(resolve, 2100));
        const [{ family_id: familyId }] = await db.query<{ family_id: string }>(
          'SELECT f.id AS family_id FROM session_families f JOIN employees e ON e.id = f.employee_id WHERE e.email = $1 ORDER BY f.created_at DESC LIMIT 1',
          [support.email],
        );
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


// Its own database and report write: the describe above closes its database and writes the report
// in its afterAll, before this one runs.
onServer('lockout under parallel logins', () => {
  let lockoutDb: TestDatabase;

  beforeAll(async () => {
    lockoutDb = await createTestDatabase();
  });

  afterAll(async () => {
    report.finishedAt = new Date().toISOString();
    report.durationMs = Date.now() - startedAt;
    writeReliabilityReport(report);
    await lockoutDb.close();
  });

  it(
    'should lock an account hit by 30 parallel wrong logins and refuse the right password until the lock ends',
    async () => {
      const rounds = 2;
      const contenders = 30;
      const violations: string[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const target = await insertEmployee(lockoutDb, { role: 'SALES', email: `target${round}@epic.events` });
        // Every attempt reaches the employee row at the same moment: the failures that passed the
        // lock check before the lock was written are the ones that used to clear it.
        const lock = await holdRowLock(lockoutDb.url!, 'employees', 'id = $1', [target.id]);
        const pending = Array.from({ length: contenders }, (_, i) =>
          runCli(['login', '--email', target.email, '--password-stdin'], {
            env: { ...lockoutDb.env, EPICEVENTS_HOME: tempHome() },
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
          env: { ...lockoutDb.env, EPICEVENTS_HOME: tempHome() },
          stdin: `${FACTORY_PASSWORD}\n`,
        });
        // The lock over (moved into the past), the right password works again.
        await lockoutDb.query("UPDATE employees SET locked_until = now() - interval '1 second' WHERE id = $1", [target.id]);
        const afterLock = await runCli(['login', '--email', target.email, '--password-stdin'], {
          env: { ...lockoutDb.env, EPICEVENTS_HOME: tempHome() },
          stdin: `${FACTORY_PASSWORD}\n`,
        });
        const problems = [
          results.some((r) => r.code !== 3) && `exits ${codes(results).join(',')}`,
          afterLock.code !== 0 && `the right password after the lock got exit ${afterLock.code}: ${afterLock.stderr.trim()}`,
          !row.locked && `not locked (failed_login_count ${row.failed_login_count})`,
          // Only a successful login lowers the count: 30 failures leave at least the lockout's 5.
          row.failed_login_count < 5 && `failed_login_count ${row.failed_login_count} after ${contenders} failures`,
          (right.code !== 3 || !/locked for \d+ more minute/.test(right.stderr)) && `the right password got exit ${right.code}: ${right.stderr.trim()}`,
          !noStackTrace([...results, right]) && 'stack trace',
        ].filter(Boolean);
        if (problems.length > 0) violations.push(`round ${round}: ${problems.join('; ')}`);
      }
      record('30 wrong logins for one account at once', rounds, contenders, 'the account is locked; the right password is refused until the lock ends', violations);
      expect(violations).toEqual([]);
    },
    RACE_TIMEOUT_MS * 2,
  );
});
