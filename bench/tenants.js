// The tenants part of `npm run bench`: the read commands against a database of 100 tenants holding
// 1 000 000 clients, contracts and events between them, half of them in one tenant, run as an
// employee of that big tenant and of a small one, beside the single-tenant database of 1 000 000
// rows in the same rounds (interleaved with `node -e 0`). Also plans each list's own query with
// EXPLAIN ANALYZE in the three places, as the command sent it. Writes its tables into
// docs/performance.md between the bench-tenants markers.
//
//   BENCH_SCALES= BENCH_SERVER_MODE_SCALES= BENCH_EMBEDDED_SCALES= npm run bench   (this part only)
//   BENCH_TENANTS=0 npm run bench                                                  (without it)
//
// The database, epicevents_bench_tenants_100_1000000, is kept and reused when its comment says it was
// seeded to the same shape (BENCH_RESEED=1 seeds it again). The big tenant is `default`, seeded by
// `db seed --demo --scale 500000` (the generator of the single-tenant database, at half the size);
// the 99 small tenants are copies of consecutive slices of its clients, with their contracts and
// events and all its employees, made by set-based SQL as the superuser (one INSERT … SELECT per
// table, tenant_id written explicitly, ids moved by a stride per tenant).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const TENANTS = 100;
// BENCH_TENANT_ROWS: a smaller database to try the bench on (its single-tenant side then has as many rows).
const ROWS = Number(process.env.BENCH_TENANT_ROWS ?? 1_000_000);
const BIG_ROWS = Math.floor(ROWS / 2);
const NAME = `epicevents_bench_tenants_${TENANTS}_${ROWS}`;
const SHAPE = `epicevents bench: ${TENANTS} tenants, ${ROWS} clients, contracts and events, ${BIG_ROWS} of each in default`;
/** The small tenant measured: one from the middle (the first slice holds the reference examples). */
const SMALL = 'bench-small-50';
const MARK_START = '<!-- bench-tenants:start -->';
const MARK_END = '<!-- bench-tenants:end -->';
const QUERY_LOG = path.join(__dirname, 'query-log.js');

/** The single-tenant database, the big tenant, the small tenant: the columns of the table. */
const PLACES = [
  { key: 'single', title: 'single tenant' },
  { key: 'big', title: 'big tenant' },
  { key: 'small', title: `small tenant (${SMALL})` },
];

/** The read commands: lists with and without filters, a search, a record each, the reports. */
function readCommands(bin, ids) {
  return [
    { label: '`whoami`', who: 'manager', args: ['whoami'] },
    { label: '`client list`', who: 'manager', explain: true, args: ['client', 'list'] },
    { label: '`client list --search casey`', who: 'manager', explain: true, args: ['client', 'list', '--search', 'casey'] },
    { label: '`contract list --unsigned --mine` (SALES)', who: 'sales', explain: true, args: ['contract', 'list', '--unsigned', '--mine'] },
    { label: '`contract list --unpaid`', who: 'manager', explain: true, args: ['contract', 'list', '--unpaid'] },
    { label: '`event list --no-support`', who: 'manager', explain: true, args: ['event', 'list', '--no-support'] },
    { label: '`event list --mine` (SUPPORT)', who: 'support', explain: true, args: ['event', 'list', '--mine'] },
    { label: '`event list --search wedding`', who: 'manager', explain: true, args: ['event', 'list', '--search', 'wedding'] },
    { label: '`client show`', who: 'manager', explain: true, args: ['client', 'show', String(ids.client)] },
    { label: '`contract show`', who: 'manager', explain: true, args: ['contract', 'show', String(ids.contract)] },
    { label: '`event show`', who: 'manager', explain: true, args: ['event', 'show', String(ids.event)] },
    { label: '`report` (MANAGEMENT)', who: 'manager', args: ['report'] },
    { label: '`report` (SALES)', who: 'sales', args: ['report'] },
    { label: '`report` (SUPPORT)', who: 'support', args: ['report'] },
  ].map((command) => ({ ...command, argv: [bin, ...command.args] }));
}

/** The database of many tenants, seeded when missing or of another shape; its URL and what seeding took. */
async function prepareTenantDatabase(b) {
  const url = b.withDatabase(b.SERVER, NAME);
  const [existing] = await b.adminQuery(`SELECT shobj_description(oid, 'pg_database') AS shape FROM pg_database WHERE datname = '${NAME}'`);
  const reuse = existing && existing.shape === SHAPE && process.env.BENCH_RESEED !== '1';
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bench-home-'));
  const env = { DATABASE_URL: url, EPICEVENTS_JWT_SECRET: b.SECRET, EPICEVENTS_HOME: home };
  let seeded;
  if (!reuse) {
    // Absent, of another shape, or left half-seeded by an interrupted run (the comment comes last).
    if (existing) await b.adminQuery(`DROP DATABASE ${NAME} WITH (FORCE)`);
    await b.adminQuery(`CREATE DATABASE ${NAME}`);
    b.cli(['db', 'migrate'], env, { expectExit: 0, timeoutMs: 30 * 60_000 });
    process.stderr.write(`seeding ${NAME}: ${BIG_ROWS} rows of each in default…\n`);
    const big = JSON.parse(b.cli(['db', 'seed', '--demo', '--scale', String(BIG_ROWS), '--json'], env, { expectExit: 0, timeoutMs: 60 * 60_000 }).stdout);
    process.stderr.write(`seeding ${NAME}: ${TENANTS - 1} small tenants by SQL…\n`);
    const small = await seedSmallTenants(url);
    await b.adminQuery(`COMMENT ON DATABASE ${NAME} IS '${SHAPE}'`);
    seeded = { bigSeconds: big.seconds, ...small };
  } else {
    b.cli(['db', 'migrate'], env, { expectExit: 0, timeoutMs: 30 * 60_000 });
  }
  return { url, env, seeded };
}

/**
 * Tenants 2 to TENANTS, each a copy of one slice of default's clients (in id order), their contracts
 * and events, and all of default's employees (same emails and password, so the bench's accounts
 * exist in each). One transaction; ids are the original's plus tenant × stride, a stride above
 * every id of default, so the copies' keys point at the copies. The trigger that checks an event's
 * contract is signed is off during the copy: its lookup by id alone has no index without the
 * tenant (row security adds it for the application, not for a superuser), and the copied events
 * point at copies of signed contracts; the foreign keys are checked as usual.
 */
async function seedSmallTenants(url) {
  const { Client } = require('pg');
  const db = new Client({ connectionString: url });
  await db.connect();
  const started = Date.now();
  try {
    await db.query('BEGIN');
    await db.query(`SET LOCAL statement_timeout = 0`);
    await db.query(`SET LOCAL gin_pending_list_limit = '32MB'`);
    const [{ id: source }] = (await db.query(`SELECT id FROM tenants WHERE slug = 'default'`)).rows;
    const [{ top, clients }] = (
      await db.query(
        `SELECT greatest((SELECT max(id) FROM employees), (SELECT max(id) FROM clients), (SELECT max(id) FROM contracts), (SELECT max(id) FROM events)) AS top,
                (SELECT count(*) FROM clients WHERE tenant_id = $1) AS clients`,
        [source],
      )
    ).rows;
    const stride = Math.ceil((Number(top) + 1) / 1_000_000) * 1_000_000;
    const perTenant = Math.ceil(Number(clients) / (TENANTS - 1));
    await db.query(
      `INSERT INTO tenants (id, slug, name, plan, status) OVERRIDING SYSTEM VALUE
       SELECT k, 'bench-small-' || k, 'Bench Small Company ' || k, 'ENTERPRISE', 'ACTIVE' FROM generate_series(2, $1::int) AS k`,
      [TENANTS],
    );
    await db.query(`SELECT setval(pg_get_serial_sequence('tenants', 'id'), $1)`, [TENANTS]);
    await db.query(
      `CREATE TEMPORARY TABLE bench_slice ON COMMIT DROP AS
       SELECT id AS old_id, 2 + (row_number() OVER (ORDER BY id) - 1) / $2 AS k FROM clients WHERE tenant_id = $1`,
      [source, perTenant],
    );
    await db.query('CREATE INDEX ON bench_slice (old_id)');
    await db.query('ANALYZE bench_slice');
    const moved = (column) => `x.${column} + k * ${stride}`;
    const copy = async (table, from, keys) => {
      const columns = (
        await db.query(
          `SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' AND column_name <> 'tenant_id'
            ORDER BY ordinal_position`,
          [table],
        )
      ).rows.map((r) => r.column_name);
      const values = columns.map((column) => (column === 'id' || keys.includes(column) ? moved(column) : `x.${column}`));
      const result = await db.query(
        `INSERT INTO ${table} (tenant_id, ${columns.join(', ')}) OVERRIDING SYSTEM VALUE SELECT k, ${values.join(', ')} FROM ${from}`,
        [source],
      );
      await db.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
      return result.rowCount;
    };
    const rows = {
      employees: await copy('employees', `generate_series(2, ${TENANTS}) AS k CROSS JOIN employees x WHERE x.tenant_id = $1`, []),
      clients: await copy('clients', `bench_slice s JOIN clients x ON x.tenant_id = $1 AND x.id = s.old_id`, ['sales_contact_id']),
      contracts: await copy('contracts', `bench_slice s JOIN contracts x ON x.tenant_id = $1 AND x.client_id = s.old_id`, ['client_id', 'sales_contact_id']),
      events: await copy(
        'events',
        `events x JOIN contracts c ON c.tenant_id = $1 AND c.id = x.contract_id JOIN bench_slice s ON s.old_id = c.client_id WHERE x.tenant_id = $1`,
        ['contract_id', 'support_contact_id'],
      ),
    };
    await db.query('COMMIT');
    const copied = (Date.now() - started) / 1000;
    await db.query('VACUUM (ANALYZE) employees, clients, contracts, events');
    return { smallSeconds: (Date.now() - started) / 1000, copySeconds: copied, rows, perTenant };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

/** Tokens of the three bench accounts in one tenant (EPICEVENTS_TENANT in `env` for another than default), and a record of each kind to show. */
function placeSetup(b, env) {
  const tokens = {};
  for (const [who, email] of Object.entries(b.ACCOUNTS)) {
    const login = b.cli(['login', '--email', email, '--password-stdin', '--print-token'], { ...env, EPICEVENTS_ACCESS_TTL: '12h' }, { input: `${b.DEMO_PASSWORD}\n`, expectExit: 0 });
    tokens[who] = login.stdout.trim();
  }
  const asManager = { ...env, EPICEVENTS_TOKEN: tokens.manager };
  const [event] = JSON.parse(b.cli(['event', 'list', '--limit', '1', '--json'], asManager, { expectExit: 0 }).stdout);
  return { env, tokens, ids: { client: event.clientId, contract: event.contractId, event: event.id } };
}

/** The load averages, as `uptime` prints them. */
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(', ');

/**
 * EXPLAIN ANALYZE of the last query a command sent that is not the start-up statement, planned as
 * the command ran it: the tenant role, the tenant set, the same parameters (captured by the query
 * log preload from the per-file build). Returns the scans of the plan and its execution time.
 */
async function explainCommand(b, place, command) {
  const log = path.join(os.tmpdir(), `epicevents-bench-plan-${process.pid}.jsonl`);
  fs.rmSync(log, { force: true });
  const result = spawnSync(process.execPath, command.argv, {
    cwd: os.tmpdir(),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      EPICEVENTS_KEYCHAIN: 'off',
      ...place.env,
      EPICEVENTS_TOKEN: place.tokens[command.who],
      EPICEVENTS_BUNDLE: 'off',
      NODE_OPTIONS: `--require "${QUERY_LOG}"`,
      EPICEVENTS_QUERY_LOG: log,
      EPICEVENTS_QUERY_LOG_VALUES: '1',
    },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${command.label} exited ${result.status}: ${result.stderr}`);
  const statements = fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  fs.rmSync(log, { force: true });
  const own = statements.filter((s) => /^\s*(SELECT|WITH)\b/i.test(s.text) && !/\bmigrations\b/.test(s.text)).pop();
  if (!own) return undefined;
  const { Client } = require('pg');
  const db = new Client({ connectionString: place.env.DATABASE_URL });
  await db.connect();
  try {
    const tenant = place.env.EPICEVENTS_TENANT ?? 'default';
    await db.query(`SELECT set_config('role', 'epicevents_tenant_user', false), set_config('app.tenant_id', (SELECT id FROM tenants WHERE slug = $1)::text, false)`, [tenant]);
    // Three times, the median's plan: the first may read pages the timing runs left out of the cache.
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push((await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${own.text}`, own.values)).rows[0]['QUERY PLAN'][0]);
    const plan = runs.sort((x, y) => x['Execution Time'] - y['Execution Time'])[1];
    // A search's ids come from matching_client_ids / matching_event_ids, called inside the query (an InitPlan).
    const functions = [...new Set(own.text.match(/matching_\w+_ids/g) ?? [])].map((name) => `function ${name}`);
    return { scans: [...functions, ...scans(plan.Plan)], ms: plan['Execution Time'] };
  } finally {
    await db.end();
  }
}

/** The reads of the big tables in a plan: an index's name, or "Seq Scan table". */
function scans(node) {
  const own = [];
  if (['clients', 'contracts', 'events', 'employees'].includes(node['Relation Name'])) {
    own.push(node['Index Name'] ? `${node['Node Type'].replace(' Scan', '')} ${node['Index Name']}` : `${node['Node Type']} ${node['Relation Name']}`);
  } else if (node['Node Type'] === 'Function Scan' && node['Function Name']) {
    own.push(`function ${node['Function Name']}`);
  }
  return [...own, ...(node.Plans ?? []).flatMap(scans)];
}

async function runTenantBench(b) {
  const loadBefore = load();
  const single = await b.prepare('server', ROWS);
  const database = await prepareTenantDatabase(b);
  const places = {
    single: placeSetup(b, single.env),
    big: placeSetup(b, database.env),
    small: placeSetup(b, { ...database.env, EPICEVENTS_TENANT: SMALL }),
  };
  const commands = Object.fromEntries(Object.entries(places).map(([key, place]) => [key, readCommands(b.BIN, place.ids)]));
  const runs = [{ key: 'baseline', command: { label: '`node -e 0`', argv: ['-e', '0'] }, env: {} }];
  for (const { key } of PLACES) {
    for (const command of commands[key]) runs.push({ key, command, env: { ...places[key].env, EPICEVENTS_TOKEN: places[key].tokens[command.who] } });
  }
  const timed = (run) => b.runOnce({ label: `${run.command.label} (${run.key})`, argv: () => run.command.argv, env: () => run.env });
  process.stderr.write(`timing the tenants' reads (${b.ROUNDS} rounds of ${runs.length} processes)…\n`);
  for (const run of runs) timed(run); // warm the caches; not counted
  const samples = runs.map(() => []);
  for (let round = 0; round < b.ROUNDS; round += 1) {
    for (let i = 0; i < runs.length; i += 1) {
      const at = (i + round) % runs.length;
      samples[at].push(timed(runs[at]));
    }
  }
  const medians = new Map(runs.map((run, i) => [`${run.key} ${run.command.label}`, b.median(samples[i])]));
  const baseline = medians.get('baseline `node -e 0`');
  process.stderr.write('planning the lists…\n');
  const plans = [];
  for (const command of commands.single.filter((c) => c.explain)) {
    const row = { label: command.label };
    for (const { key } of PLACES) row[key] = await explainCommand(b, places[key], commands[key].find((c) => c.label === command.label));
    plans.push(row);
  }
  fs.rmSync(single.env.EPICEVENTS_HOME, { recursive: true, force: true });
  fs.rmSync(database.env.EPICEVENTS_HOME, { recursive: true, force: true });
  return { labels: commands.single.map((c) => c.label), medians, baseline, plans, seeded: database.seeded, loadBefore, loadAfter: load() };
}

function tenantTables(b, result) {
  const ms = (key, label) => result.medians.get(`${key} ${label}`);
  const lines = [
    MARK_START,
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\`: Node ${process.version}, ${os.cpus().length} CPUs, direct mode on the local server, medians of ${b.ROUNDS} interleaved rounds, \`node -e 0\` ${result.baseline.toFixed(0)} ms; load average ${result.loadBefore} before, ${result.loadAfter} after.`,
    '',
    `Rows of each kind (clients, contracts, events): single tenant ${b.rowsLabel(ROWS)}; ${TENANTS} tenants ${b.rowsLabel(ROWS)} in all, the big one (default) ${b.rowsLabel(BIG_ROWS)}, each small one about ${b.rowsLabel(Math.ceil(BIG_ROWS / (TENANTS - 1)))}.`,
    '',
    '| command | single tenant: ms | big tenant: ms | big / single | small tenant: ms | small / single |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const label of result.labels) {
    const single = ms('single', label);
    const big = ms('big', label);
    const small = ms('small', label);
    lines.push(`| ${label} | ${single.toFixed(0)} | ${big.toFixed(0)} | ${(big / single).toFixed(2)} | ${small.toFixed(0)} | ${(small / single).toFixed(2)} |`);
  }
  lines.push('', 'The list\'s own query, `EXPLAIN ANALYZE` as the command sent it (tenant role, row security on, median of 3 runs): what it reads, and its execution time.', '');
  lines.push(`| command | ${PLACES.map((p) => p.title).join(' | ')} |`, `| --- | ${PLACES.map(() => '---').join(' | ')} |`);
  for (const row of result.plans) {
    const cell = (plan) => (plan ? `${[...new Set(plan.scans)].join(', ')}: ${plan.ms.toFixed(1)} ms` : 'no query of its own');
    lines.push(`| ${row.label} | ${PLACES.map((p) => cell(row[p.key])).join(' | ')} |`);
  }
  if (result.seeded) {
    const s = result.seeded;
    lines.push(
      '',
      `Seeded in this run: default (the big tenant) by \`db seed --demo --scale ${BIG_ROWS}\` in ${s.bigSeconds.toFixed(1)} s; the ${TENANTS - 1} small tenants (${s.perTenant} clients each, ${s.rows.clients} clients, ${s.rows.contracts} contracts, ${s.rows.events} events, ${s.rows.employees} employees) by SQL in ${s.copySeconds.toFixed(1)} s, then \`VACUUM (ANALYZE)\`: ${s.smallSeconds.toFixed(1)} s in all.`,
    );
  }
  lines.push(MARK_END);
  return lines.join('\n');
}

function writeTenantDoc(b, result) {
  const text = tenantTables(b, result);
  const doc = fs.readFileSync(b.DOC, 'utf8');
  const start = doc.indexOf(MARK_START);
  const end = doc.indexOf(MARK_END);
  if (start < 0 || end < start) b.fail(`${b.DOC} has no ${MARK_START} … ${MARK_END} markers`);
  fs.writeFileSync(b.DOC, doc.slice(0, start) + text + doc.slice(end + MARK_END.length));
  return text;
}

module.exports = { runTenantBench, writeTenantDoc };
