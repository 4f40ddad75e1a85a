import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The plans' limits, kept by the database (docs/tenancy.md, "Limits"):
 *
 * - `tenant_usage`, one row per tenant (made by a trigger when a tenant is inserted): its number of
 *   active employees and of clients, backfilled here by counting.
 * - Statement-level triggers with transition tables on `employees` (insert, update, delete) and
 *   `clients` (insert, delete) add each statement's change to the row of its tenant. That UPDATE
 *   locks the row until the transaction ends: two transactions creating at the limit take turns,
 *   and the second sees the first's count (READ COMMITTED) or fails to serialize (REPEATABLE READ).
 * - A count that grows past the plan's limit is refused (SQLSTATE ET002, naming the limit and the
 *   plan); one that shrinks never is, so a tenant over its limit after a downgrade may still
 *   deactivate and delete.
 * - The functions are SECURITY DEFINER, owned by `epicevents_tenant_directory`: the application
 *   role may not write the counters, and a function running as a role held to the tenant policy
 *   would not see the row of a tenant other than the transaction's (a superuser's statement).
 *   Their owner reads and writes `tenant_usage` under a policy of its own.
 * - `current_tenant_standing()`: the plan and status of the transaction's tenant, and whether its
 *   trial has ended by the database's clock, read with the caller at every command and request
 *   (tenants alone: 0.03 ms); `current_tenant_account()`: the tenant with its plan's limits and its
 *   usage (`tenant show`, the services' limit checks).
 */
const TENANT_DIRECTORY_ROLE = 'epicevents_tenant_directory';
const TENANT_USER_ROLE = 'epicevents_tenant_user';
const TENANT_SETTING = `NULLIF(current_setting('app.tenant_id', true), '')::bigint`;

/** SQLSTATE of a refusal by a plan's limit (src/database/database-errors.ts maps it to exit 6). */
const PLAN_LIMIT_SQLSTATE = 'ET002';

/** [trigger, table, event, function, transition tables]. */
const COUNT_TRIGGERS: [string, string, string, string, string][] = [
  ['employees_usage_insert', 'employees', 'INSERT', 'count_active_employees', 'NEW TABLE AS new_rows'],
  ['employees_usage_update', 'employees', 'UPDATE', 'count_active_employees', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
  ['employees_usage_delete', 'employees', 'DELETE', 'count_active_employees', 'OLD TABLE AS old_rows'],
  ['clients_usage_insert', 'clients', 'INSERT', 'count_clients', 'NEW TABLE AS new_rows'],
  ['clients_usage_delete', 'clients', 'DELETE', 'count_clients', 'OLD TABLE AS old_rows'],
];

const FUNCTIONS = [
  'change_tenant_usage(bigint, integer, integer)',
  'count_active_employees()',
  'count_clients()',
  'reset_tenant_usage()',
  'create_tenant_usage()',
  'current_tenant_account()',
  'current_tenant_standing()',
  'tenant_trial_ends_at(varchar, timestamptz, timestamptz)',
];

/** What the application may call. */
const APPLICATION_FUNCTIONS = ['current_tenant_account()', 'current_tenant_standing()'];

export class TenantLimits1796100000000 implements MigrationInterface {
  name = 'TenantLimits1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_usage (
        tenant_id bigint PRIMARY KEY DEFAULT ${TENANT_SETTING} REFERENCES tenants (id) ON DELETE CASCADE,
        active_employees integer NOT NULL CHECK (active_employees >= 0),
        clients integer NOT NULL CHECK (clients >= 0)
      )`);
    // One count per tenant, in that tenant: the tables' row security holds whoever migrates as
    // their owner (FORCE), so a count without the tenant set would see nothing; a superuser skips
    // row security, hence the explicit condition too. Each count reads the index leading with tenant_id.
    await q.query(`
      DO $backfill$
      DECLARE
        tenant bigint;
      BEGIN
        FOR tenant IN SELECT id FROM tenants ORDER BY id LOOP
          PERFORM set_config('app.tenant_id', tenant::text, true);
          INSERT INTO tenant_usage (tenant_id, active_employees, clients)
          VALUES (tenant, (SELECT count(*) FROM employees WHERE tenant_id = tenant AND is_active), (SELECT count(*) FROM clients WHERE tenant_id = tenant));
        END LOOP;
        PERFORM set_config('app.tenant_id', '', true);
      END $backfill$`);

    await q.query(`ALTER TABLE tenant_usage ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE tenant_usage FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY tenant_usage_tenant ON tenant_usage USING (tenant_id = ${TENANT_SETTING}) WITH CHECK (tenant_id = ${TENANT_SETTING})`);
    // The counters' triggers run as the functions' owner, for a statement of any tenant.
    await q.query(`CREATE POLICY tenant_usage_counters ON tenant_usage TO ${TENANT_DIRECTORY_ROLE} USING (true) WITH CHECK (true)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON tenant_usage TO ${TENANT_DIRECTORY_ROLE}`);

    // Adds to a tenant's counters; refuses a count that grows past the plan's limit. The UPDATE
    // holds the row until the transaction ends: creations in one tenant take turns here.
    await q.query(`
      CREATE FUNCTION change_tenant_usage(tenant bigint, employees_change integer, clients_change integer) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        usage public.tenant_usage;
        limits public.plans;
      BEGIN
        UPDATE public.tenant_usage u
           SET active_employees = u.active_employees + employees_change, clients = u.clients + clients_change
         WHERE u.tenant_id = tenant
        RETURNING u.* INTO usage;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'the tenant % has no usage row', tenant;
        END IF;
        IF employees_change <= 0 AND clients_change <= 0 THEN
          RETURN;
        END IF;
        SELECT p.* INTO limits FROM public.tenants t JOIN public.plans p ON p.code = t.plan WHERE t.id = tenant;
        IF employees_change > 0 AND usage.active_employees > limits.max_active_employees THEN
          RAISE EXCEPTION 'the % plan allows % active employees: deactivate one or choose a larger plan', limits.code, limits.max_active_employees
            USING ERRCODE = '${PLAN_LIMIT_SQLSTATE}';
        END IF;
        IF clients_change > 0 AND usage.clients > limits.max_clients THEN
          RAISE EXCEPTION 'the % plan allows % clients: delete some or choose a larger plan', limits.code, limits.max_clients
            USING ERRCODE = '${PLAN_LIMIT_SQLSTATE}';
        END IF;
      END $$`);
    // One change per tenant of the statement, in tenant order (two statements lock alike).
    await q.query(`
      CREATE FUNCTION count_active_employees() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        change record;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          FOR change IN SELECT tenant_id, count(*) FILTER (WHERE is_active)::int AS n FROM new_rows GROUP BY tenant_id ORDER BY tenant_id LOOP
            CONTINUE WHEN change.n = 0;
            PERFORM public.change_tenant_usage(change.tenant_id, change.n, 0);
          END LOOP;
        ELSIF TG_OP = 'DELETE' THEN
          FOR change IN SELECT tenant_id, count(*) FILTER (WHERE is_active)::int AS n FROM old_rows GROUP BY tenant_id ORDER BY tenant_id LOOP
            CONTINUE WHEN change.n = 0;
            PERFORM public.change_tenant_usage(change.tenant_id, -change.n, 0);
          END LOOP;
        ELSE
          FOR change IN
            SELECT tenant_id, sum(n)::int AS n FROM (
              SELECT tenant_id, CASE WHEN is_active THEN 1 ELSE 0 END AS n FROM new_rows
              UNION ALL
              SELECT tenant_id, CASE WHEN is_active THEN -1 ELSE 0 END FROM old_rows
            ) rows GROUP BY tenant_id ORDER BY tenant_id
          LOOP
            CONTINUE WHEN change.n = 0;
            PERFORM public.change_tenant_usage(change.tenant_id, change.n, 0);
          END LOOP;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION count_clients() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        change record;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          FOR change IN SELECT tenant_id, count(*)::int AS n FROM new_rows GROUP BY tenant_id ORDER BY tenant_id LOOP
            PERFORM public.change_tenant_usage(change.tenant_id, 0, change.n);
          END LOOP;
        ELSE
          FOR change IN SELECT tenant_id, count(*)::int AS n FROM old_rows GROUP BY tenant_id ORDER BY tenant_id LOOP
            PERFORM public.change_tenant_usage(change.tenant_id, 0, -change.n);
          END LOOP;
        END IF;
        RETURN NULL;
      END $$`);
    // TRUNCATE (tests, an administrator) empties the table for every tenant: so do the counters.
    await q.query(`
      CREATE FUNCTION reset_tenant_usage() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      BEGIN
        IF TG_TABLE_NAME = 'employees' THEN
          UPDATE public.tenant_usage SET active_employees = 0 WHERE active_employees <> 0;
        ELSE
          UPDATE public.tenant_usage SET clients = 0 WHERE clients <> 0;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION create_tenant_usage() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      BEGIN
        INSERT INTO public.tenant_usage (tenant_id, active_employees, clients) VALUES (NEW.id, 0, 0);
        RETURN NULL;
      END $$`);
    // A trial lasts 14 days from the tenant's creation unless its end was set. Plain SQL without a
    // SET clause, so that PostgreSQL inlines it into the two functions below (whose search_path is
    // fixed); only its owner may call it.
    await q.query(`
      CREATE FUNCTION tenant_trial_ends_at(status varchar, trial_ends_at timestamptz, created_at timestamptz) RETURNS timestamptz
      LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN status = 'TRIAL' THEN COALESCE(trial_ends_at, created_at + interval '14 days') ELSE trial_ends_at END
      $$`);
    await q.query(`
      CREATE FUNCTION current_tenant_standing()
      RETURNS TABLE (plan varchar, status varchar, trial_ended boolean)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT t.plan, t.status, t.status = 'TRIAL' AND public.tenant_trial_ends_at(t.status, t.trial_ends_at, t.created_at) <= now()
          FROM public.tenants t
         WHERE t.id = ${TENANT_SETTING}
      $$`);
    await q.query(`
      CREATE FUNCTION current_tenant_account()
      RETURNS TABLE (id bigint, slug text, name varchar, plan varchar, status varchar, created_at timestamptz, trial_ends_at timestamptz,
                     trial_ended boolean, max_active_employees integer, max_clients integer, active_employees integer, clients integer)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT t.id, t.slug, t.name, t.plan, t.status, t.created_at, trial.ends_at,
               t.status = 'TRIAL' AND trial.ends_at <= now(),
               p.max_active_employees, p.max_clients, u.active_employees, u.clients
          FROM public.tenants t
          JOIN public.plans p ON p.code = t.plan
          LEFT JOIN public.tenant_usage u ON u.tenant_id = t.id
          CROSS JOIN LATERAL (SELECT public.tenant_trial_ends_at(t.status, t.trial_ends_at, t.created_at) AS ends_at) trial
         WHERE t.id = ${TENANT_SETTING}
      $$`);

    for (const [trigger, table, event, fn, transition] of COUNT_TRIGGERS) {
      await q.query(`CREATE TRIGGER ${trigger} AFTER ${event} ON ${table} REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    }
    for (const table of ['employees', 'clients']) {
      await q.query(`CREATE TRIGGER ${table}_usage_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION reset_tenant_usage()`);
    }
    await q.query(`CREATE TRIGGER tenants_usage_row AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION create_tenant_usage()`);

    for (const fn of FUNCTIONS) {
      await q.query(`ALTER FUNCTION ${fn} OWNER TO ${TENANT_DIRECTORY_ROLE}`);
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }
    for (const fn of APPLICATION_FUNCTIONS) await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${TENANT_USER_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tenants_usage_row ON tenants`);
    for (const table of ['employees', 'clients']) await q.query(`DROP TRIGGER ${table}_usage_truncate ON ${table}`);
    for (const [trigger, table] of COUNT_TRIGGERS) await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
    for (const fn of [...FUNCTIONS].reverse()) await q.query(`DROP FUNCTION ${fn}`);
    await q.query(`DROP TABLE tenant_usage`);
  }
}
