import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The platform operator (docs/tenancy.md): who runs the service, not a company. Its own accounts,
 * logins and audit trail, in tables of no tenant; and the SECURITY DEFINER functions through which
 * the server creates tenants, changes their lifecycle and plan, and counts their rows. The
 * application role still has no right on `tenants`: the functions' owner,
 * epicevents_tenant_directory, gets INSERT and UPDATE there, and of the employees and clients only
 * what counting them needs (the column tenant_id of employees; clients it already reads for the
 * searches), so the functions can tell the operator numbers and nothing else.
 */
const TENANT_USER_ROLE = 'epicevents_tenant_user';
const TENANT_DIRECTORY_ROLE = 'epicevents_tenant_directory';

/** What the functions answer of a tenant: the columns of its JSON shape and of its lifecycle. */
const TENANT_COLUMNS = 'id bigint, slug text, name varchar, plan varchar, status varchar, trial_ends_at timestamptz, created_at timestamptz, suspended_at timestamptz, cancelled_at timestamptz';
const TENANT_SELECT = 't.id, t.slug, t.name, t.plan, t.status, t.trial_ends_at, t.created_at, t.suspended_at, t.cancelled_at';

/** A sign-up's trial, from the database's clock. */
const TRIAL_DAYS = 14;

const PLATFORM_FUNCTIONS = [
  'create_tenant(text, text, text, boolean)',
  'platform_tenants()',
  'set_tenant_status(bigint, text)',
  'set_tenant_plan(bigint, text)',
  'extend_tenant_trial(bigint, integer)',
  'tenant_counts()',
];

export class Platform1796200000000 implements MigrationInterface {
  name = 'Platform1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform_operators (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        email varchar(254) NOT NULL CHECK (email ~ '^[^@\\s]+@[^@\\s]+$'),
        email_key text GENERATED ALWAYS AS (lower(email)) STORED,
        name varchar(200) CHECK (btrim(name) <> ''),
        password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX platform_operators_email_key ON platform_operators (email_key)`);
    // One row per login: logout (or a later revocation) ends it for every token of it.
    await q.query(`
      CREATE TABLE platform_sessions (
        id uuid PRIMARY KEY,
        operator_id bigint NOT NULL REFERENCES platform_operators (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CHECK (expires_at > created_at)
      )`);
    await q.query(`CREATE INDEX platform_sessions_operator_idx ON platform_sessions (operator_id)`);
    // `target_tenant_id`, not `tenant_id`: these rows are the platform's, of no tenant, and name the
    // tenant an action was about (none for a login).
    await q.query(`
      CREATE TABLE platform_audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        operator_id bigint NOT NULL REFERENCES platform_operators (id) ON DELETE RESTRICT,
        action varchar(40) NOT NULL CHECK (action ~ '^[a-z]+(-[a-z]+)*(\\.[a-z]+(-[a-z]+)*)+$'),
        target_tenant_id bigint REFERENCES tenants (id) ON DELETE RESTRICT,
        details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX platform_audit_log_tenant_idx ON platform_audit_log (target_tenant_id, id)`);
    await q.query(`CREATE INDEX platform_audit_log_operator_idx ON platform_audit_log (operator_id, id)`);
    // Append-only, stamped by the database's clock (as the tenants' audit trail).
    await q.query(`
      CREATE FUNCTION platform_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'platform_audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER platform_audit_log_no_update_delete BEFORE UPDATE OR DELETE ON platform_audit_log
      FOR EACH ROW EXECUTE FUNCTION platform_audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER platform_audit_log_no_truncate BEFORE TRUNCATE ON platform_audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION platform_audit_log_append_only()`);
    await q.query(`
      CREATE FUNCTION platform_audit_log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.occurred_at := clock_timestamp();
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER platform_audit_log_stamp BEFORE INSERT ON platform_audit_log
      FOR EACH ROW EXECUTE FUNCTION platform_audit_log_stamp()`);

    // The role a superuser session switches to has the application role's rights (roles-sql.ts).
    await q.query(`GRANT SELECT, INSERT, UPDATE ON platform_operators, platform_sessions TO ${TENANT_USER_ROLE}`);
    await q.query(`GRANT SELECT, INSERT ON platform_audit_log TO ${TENANT_USER_ROLE}`);

    // What the functions' owner needs: write tenants. It counts nothing itself: the usage counters
    // (TenantLimits) already hold each tenant's numbers.
    await q.query(`GRANT INSERT, UPDATE ON tenants TO ${TENANT_DIRECTORY_ROLE}`);

    // A new tenant. The unique index on the slug decides (the caller tries the next slug on its
    // violation); a trial ends TRIAL_DAYS after now() by the database's clock.
    await q.query(`
      CREATE FUNCTION create_tenant(wanted_slug text, wanted_name text, wanted_plan text, trial boolean)
      RETURNS TABLE (${TENANT_COLUMNS})
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        INSERT INTO public.tenants AS t (slug, name, plan, status, trial_ends_at)
        VALUES (wanted_slug, wanted_name, wanted_plan,
                CASE WHEN trial THEN 'TRIAL' ELSE 'ACTIVE' END,
                CASE WHEN trial THEN now() + interval '${TRIAL_DAYS} days' END)
        RETURNING ${TENANT_SELECT}
      $$`);
    await q.query(`
      CREATE FUNCTION platform_tenants() RETURNS TABLE (${TENANT_COLUMNS})
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT ${TENANT_SELECT} FROM public.tenants t ORDER BY t.id
      $$`);
    // A change of status: the trigger tenants_lifecycle refuses the transitions the lifecycle has
    // not; asking for the status the tenant has is refused too (nothing would change). No row: no
    // such tenant.
    await q.query(`
      CREATE FUNCTION set_tenant_status(tenant bigint, wanted text) RETURNS TABLE (${TENANT_COLUMNS})
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        was text;
      BEGIN
        SELECT t.status INTO was FROM public.tenants t WHERE t.id = tenant FOR UPDATE;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        IF was = wanted THEN
          RAISE EXCEPTION 'the tenant is % already', wanted USING ERRCODE = 'check_violation';
        END IF;
        RETURN QUERY
          UPDATE public.tenants t
             SET status = wanted,
                 suspended_at = CASE WHEN wanted = 'SUSPENDED' THEN now() ELSE t.suspended_at END,
                 cancelled_at = CASE WHEN wanted = 'CANCELLED' THEN now() ELSE t.cancelled_at END
           WHERE t.id = tenant
          RETURNING ${TENANT_SELECT};
      END $$`);
    // A plan chosen ends a trial (TRIAL → ACTIVE, through the trigger); a cancelled tenant keeps its own.
    await q.query(`
      CREATE FUNCTION set_tenant_plan(tenant bigint, wanted text) RETURNS TABLE (${TENANT_COLUMNS})
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        was text;
      BEGIN
        SELECT t.status INTO was FROM public.tenants t WHERE t.id = tenant FOR UPDATE;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        IF was = 'CANCELLED' THEN
          RAISE EXCEPTION 'the tenant is CANCELLED: its plan cannot change' USING ERRCODE = 'check_violation';
        END IF;
        RETURN QUERY
          UPDATE public.tenants t
             SET plan = wanted, status = CASE WHEN t.status = 'TRIAL' THEN 'ACTIVE' ELSE t.status END
           WHERE t.id = tenant
          RETURNING ${TENANT_SELECT};
      END $$`);
    // From the trial's end, or from now when it has ended already.
    await q.query(`
      CREATE FUNCTION extend_tenant_trial(tenant bigint, days integer) RETURNS TABLE (${TENANT_COLUMNS})
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        was text;
      BEGIN
        IF days IS NULL OR days < 1 OR days > 365 THEN
          RAISE EXCEPTION 'a trial is extended by 1 to 365 days' USING ERRCODE = 'check_violation';
        END IF;
        SELECT t.status INTO was FROM public.tenants t WHERE t.id = tenant FOR UPDATE;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        IF was <> 'TRIAL' THEN
          RAISE EXCEPTION 'the tenant is %: only a tenant in TRIAL has a trial to extend', was USING ERRCODE = 'check_violation';
        END IF;
        RETURN QUERY
          UPDATE public.tenants t
             SET trial_ends_at = greatest(t.trial_ends_at, now()) + make_interval(days => days)
           WHERE t.id = tenant
          RETURNING ${TENANT_SELECT};
      END $$`);
    // Numbers only: each tenant's active employees and clients, from the usage counters the
    // limits' triggers keep (one row per tenant: no count of the tenants' tables).
    await q.query(`
      CREATE FUNCTION tenant_counts() RETURNS TABLE (tenant_id bigint, employees bigint, clients bigint)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT t.id, coalesce(u.active_employees, 0)::bigint, coalesce(u.clients, 0)::bigint
          FROM public.tenants t
          LEFT JOIN public.tenant_usage u ON u.tenant_id = t.id
         ORDER BY t.id
      $$`);
    for (const fn of PLATFORM_FUNCTIONS) {
      await q.query(`ALTER FUNCTION ${fn} OWNER TO ${TENANT_DIRECTORY_ROLE}`);
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${TENANT_USER_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of [...PLATFORM_FUNCTIONS].reverse()) await q.query(`DROP FUNCTION ${fn}`);
    await q.query(`REVOKE INSERT, UPDATE ON tenants FROM ${TENANT_DIRECTORY_ROLE}`);
    await q.query(`DROP TABLE platform_audit_log`);
    await q.query(`DROP FUNCTION platform_audit_log_stamp()`);
    await q.query(`DROP FUNCTION platform_audit_log_append_only()`);
    await q.query(`DROP TABLE platform_sessions`);
    await q.query(`DROP TABLE platform_operators`);
  }
}
