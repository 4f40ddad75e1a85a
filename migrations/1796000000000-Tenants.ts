import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Tenants: many event companies on one database, each seeing only its own rows (docs/tenancy.md).
 *
 * - `plans` and `tenants`; the tenant's lifecycle is a state machine the database checks.
 * - `tenant_id` on every business and session table. Added with a constant default (the existing
 *   rows become tenant `default`: a change of the catalog only, no table rewrite), then the default
 *   becomes the tenant of the transaction, so the application never writes the column and a write
 *   with no tenant set breaks NOT NULL.
 * - Primary keys, foreign keys and unique indexes include tenant_id, so no row can point at a row of
 *   another tenant; every index leads with it (the row-security predicate is then an index
 *   condition). Ids stay drawn from one sequence per table.
 * - Row-level security, enabled and forced (the tables' owner is held to it too), one policy per
 *   table: the rows of the tenant in `app.tenant_id`, none without one.
 * - Two cluster-wide roles without login, created when missing: `epicevents_tenant_user`, the
 *   application role's rights, which a superuser session switches to (superusers skip row
 *   security); `epicevents_tenant_directory`, owner of the SECURITY DEFINER functions through which
 *   the application reads tenants and plans, and of nothing else.
 *
 * Searches go through two SECURITY DEFINER functions (matching_client_ids, matching_event_ids):
 * under row security a condition PostgreSQL does not know to be leakproof (ILIKE) cannot be an
 * index condition before the policy's predicate, so a search in the application's own query would
 * read the whole tenant. The functions' owner reads the searched tables under a policy of its own,
 * uses the trigram indexes, and filters on the tenant of the transaction itself.
 */
export const TENANT_USER_ROLE = 'epicevents_tenant_user';
export const TENANT_DIRECTORY_ROLE = 'epicevents_tenant_directory';

const TENANT_TABLES = ['employees', 'clients', 'contracts', 'events', 'session_families', 'refresh_tokens', 'audit_log', 'notifications'];
const READ_WRITE = ['employees', 'clients', 'contracts', 'events', 'notifications', 'session_families', 'refresh_tokens'];

/** The tables the search functions read (their owner's own policy admits it to every row). */
const SEARCHED_TABLES = ['clients', 'contracts', 'events'];

/** The tables whose emails are unique per tenant, case-insensitively. */
const EMAIL_TABLES = ['employees', 'clients'];

const TENANT_SETTING = `NULLIF(current_setting('app.tenant_id', true), '')::bigint`;

/** Foreign keys between tenant tables: [table, name, columns, parent, on delete]. Names as before. */
const FOREIGN_KEYS: [string, string, string, string, string][] = [
  ['clients', 'clients_sales_contact_id_fkey', 'sales_contact_id', 'employees', 'RESTRICT'],
  ['contracts', 'contracts_client_id_fkey', 'client_id', 'clients', 'RESTRICT'],
  ['contracts', 'contracts_sales_contact_id_fkey', 'sales_contact_id', 'employees', 'RESTRICT'],
  ['events', 'events_contract_id_fkey', 'contract_id', 'contracts', 'RESTRICT'],
  ['events', 'events_support_contact_id_fkey', 'support_contact_id', 'employees', 'RESTRICT'],
  ['session_families', 'session_families_employee_id_fkey', 'employee_id', 'employees', 'CASCADE'],
  ['refresh_tokens', 'refresh_tokens_family_id_fkey', 'family_id', 'session_families', 'CASCADE'],
  ['notifications', 'notifications_recipient_id_fkey', 'recipient_id', 'employees', 'CASCADE'],
];

/** Indexes rebuilt to lead with tenant_id: [name, table, unique, columns before, columns after, partial]. */
const INDEXES: [string, string, boolean, string, string, string][] = [
  ['employees_email_lower_key', 'employees', true, '(lower(email))', '(tenant_id, email_key)', ''],
  ['employees_role_idx', 'employees', false, '(role, id)', '(tenant_id, role, id)', ''],
  ['employees_inactive_idx', 'employees', false, '(id)', '(tenant_id, id)', 'WHERE NOT is_active'],
  ['clients_email_lower_key', 'clients', true, '(lower(email))', '(tenant_id, email_key)', ''],
  ['clients_sales_contact_idx', 'clients', false, '(sales_contact_id, id)', '(tenant_id, sales_contact_id, id)', ''],
  ['contracts_client_idx', 'contracts', false, '(client_id, id)', '(tenant_id, client_id, id)', ''],
  ['contracts_sales_contact_idx', 'contracts', false, '(sales_contact_id, id)', '(tenant_id, sales_contact_id, id)', ''],
  ['contracts_unsigned_idx', 'contracts', false, '(id)', '(tenant_id, id)', 'WHERE NOT is_signed'],
  ['contracts_signed_idx', 'contracts', false, '(id)', '(tenant_id, id)', 'WHERE is_signed'],
  ['contracts_unpaid_idx', 'contracts', false, '(id)', '(tenant_id, id)', 'WHERE amount_due > 0'],
  ['events_contract_idx', 'events', false, '(contract_id, id)', '(tenant_id, contract_id, id)', ''],
  ['events_support_contact_idx', 'events', false, '(support_contact_id, id)', '(tenant_id, support_contact_id, id)', ''],
  ['events_without_support_idx', 'events', false, '(id)', '(tenant_id, id)', 'WHERE support_contact_id IS NULL'],
  ['events_start_idx', 'events', false, '(start_at, id)', '(tenant_id, start_at, id)', ''],
  ['events_support_start_idx', 'events', false, '(support_contact_id, start_at, id)', '(tenant_id, support_contact_id, start_at, id)', ''],
  ['events_without_support_start_idx', 'events', false, '(start_at)', '(tenant_id, start_at)', 'WHERE support_contact_id IS NULL'],
  ['events_support_end_idx', 'events', false, '(support_contact_id, end_at, id)', '(tenant_id, support_contact_id, end_at, id)', ''],
  ['session_families_employee_idx', 'session_families', false, '(employee_id)', '(tenant_id, employee_id)', ''],
  ['refresh_tokens_family_idx', 'refresh_tokens', false, '(family_id)', '(tenant_id, family_id)', ''],
  ['audit_log_entity_idx', 'audit_log', false, '(entity_type, entity_id, id)', '(tenant_id, entity_type, entity_id, id)', ''],
  ['audit_log_actor_idx', 'audit_log', false, '(actor_id, id)', '(tenant_id, actor_id, id)', ''],
  ['audit_log_action_idx', 'audit_log', false, '(action, id)', '(tenant_id, action, id)', ''],
  ['audit_log_occurred_idx', 'audit_log', false, '(occurred_at, id)', '(tenant_id, occurred_at, id)', ''],
  ['audit_log_entity_type_idx', 'audit_log', false, '(entity_type, id)', '(tenant_id, entity_type, id)', ''],
  ['notifications_recipient_idx', 'notifications', false, '(recipient_id, id)', '(tenant_id, recipient_id, id)', ''],
  ['notifications_unread_idx', 'notifications', false, '(recipient_id, id)', '(tenant_id, recipient_id, id)', 'WHERE read_at IS NULL'],
  ['notifications_once_per_event_key', 'notifications', true, '(kind, entity_id, recipient_id)', '(tenant_id, kind, entity_id, recipient_id)', "WHERE kind = 'event_upcoming'"],
];

export class Tenants1796000000000 implements MigrationInterface {
  name = 'Tenants1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plans (
        code varchar(20) PRIMARY KEY CHECK (code ~ '^[A-Z]+$'),
        max_active_employees integer CHECK (max_active_employees > 0),
        max_clients integer CHECK (max_clients > 0),
        modules text[] NOT NULL
      )`);
    await q.query(`COMMENT ON COLUMN plans.max_active_employees IS 'NULL: no limit'`);
    await q.query(`
      INSERT INTO plans (code, max_active_employees, max_clients, modules) VALUES
        ('STARTER', 5, 1000, '{crm}'),
        ('PROFESSIONAL', 25, 100000, '{crm,reports,csv}'),
        ('ENTERPRISE', NULL, NULL, '{crm,reports,csv,audit}')`);
    await q.query(`
      CREATE TABLE tenants (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 40),
        name varchar(150) NOT NULL CHECK (btrim(name) <> ''),
        plan varchar(20) NOT NULL REFERENCES plans (code) ON DELETE RESTRICT,
        status varchar(16) NOT NULL CHECK (status IN ('TRIAL', 'ACTIVE', 'SUSPENDED', 'CANCELLED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        trial_ends_at timestamptz,
        suspended_at timestamptz,
        cancelled_at timestamptz
      )`);
    await q.query(`
      CREATE FUNCTION tenants_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id <> OLD.id THEN
          RAISE EXCEPTION 'a tenant''s id cannot change' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.status <> OLD.status AND (OLD.status, NEW.status) NOT IN (
             ('TRIAL', 'ACTIVE'), ('TRIAL', 'CANCELLED'), ('ACTIVE', 'SUSPENDED'),
             ('SUSPENDED', 'ACTIVE'), ('ACTIVE', 'CANCELLED'), ('SUSPENDED', 'CANCELLED')) THEN
          RAISE EXCEPTION 'a tenant cannot go from % to %', OLD.status, NEW.status USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tenants_lifecycle BEFORE UPDATE ON tenants
      FOR EACH ROW EXECUTE FUNCTION tenants_lifecycle()`);
    const [{ id: defaultTenant }] = (await q.query(
      `INSERT INTO tenants (slug, name, plan, status) VALUES ('default', 'default', 'ENTERPRISE', 'ACTIVE') RETURNING id`,
    )) as { id: string }[];

    for (const table of TENANT_TABLES) {
      // A constant default: PostgreSQL records it once instead of writing it into every row.
      await q.query(`ALTER TABLE ${table} ADD COLUMN tenant_id bigint NOT NULL DEFAULT ${Number(defaultTenant)}`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN tenant_id SET DEFAULT ${TENANT_SETTING}`);
    }
    for (const [table, name] of FOREIGN_KEYS) await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${name}`);
    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (tenant_id, id)`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT`);
    }
    await q.query(`ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_token_hash_key`);
    await q.query(`ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_token_hash_key UNIQUE (tenant_id, token_hash)`);
    for (const [table, name, column, parent, onDelete] of FOREIGN_KEYS) {
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (tenant_id, ${column}) REFERENCES ${parent} (tenant_id, id) ON DELETE ${onDelete}`);
    }
    // Emails are unique and looked up case-insensitively through a stored lower-case copy: under row
    // security a condition on lower(email) cannot be an index condition (lower is not leakproof), and
    // every lookup would read the whole tenant (0.5 s at a million clients); one on the plain column
    // can. Adding it rewrites the two tables once.
    for (const table of EMAIL_TABLES) await q.query(`ALTER TABLE ${table} ADD COLUMN email_key text GENERATED ALWAYS AS (lower(email)) STORED`);
    for (const [name, table, unique, , after, partial] of INDEXES) {
      await q.query(`DROP INDEX ${name}`);
      await q.query(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${table} ${after} ${partial}`);
    }

    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY ${table}_tenant ON ${table} USING (tenant_id = ${TENANT_SETTING}) WITH CHECK (tenant_id = ${TENANT_SETTING})`);
    }

    await createRolesIfMissing(q);
    // The role a superuser session switches to: the application role's rights (src/database/roles-sql.ts).
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${READ_WRITE.join(', ')} TO ${TENANT_USER_ROLE}`);
    await q.query(`GRANT SELECT, INSERT ON audit_log TO ${TENANT_USER_ROLE}`);
    await q.query(`GRANT SELECT ON migrations TO ${TENANT_USER_ROLE}`);
    await q.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${TENANT_USER_ROLE}`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${TENANT_USER_ROLE}, ${TENANT_DIRECTORY_ROLE}`);
    await q.query(`GRANT SELECT ON tenants, plans TO ${TENANT_DIRECTORY_ROLE}`);

    // The application's only ways to tenants and plans: one tenant by slug (to log in, or to open
    // direct mode), and the tenant of the transaction.
    await q.query(`
      CREATE FUNCTION tenant_by_slug(wanted text)
      RETURNS TABLE (id bigint, slug text, name varchar, plan varchar, status varchar)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT t.id, t.slug, t.name, t.plan, t.status FROM public.tenants t WHERE t.slug = wanted
      $$`);
    await q.query(`
      CREATE FUNCTION current_tenant()
      RETURNS TABLE (id bigint, slug text, name varchar, plan varchar, status varchar)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT t.id, t.slug, t.name, t.plan, t.status FROM public.tenants t
         WHERE t.id = NULLIF(current_setting('app.tenant_id', true), '')::bigint
      $$`);
    // Searches: the ids of the transaction tenant's matching records (no tenant set: none). The
    // tenant is compared as `tenant_id + 0`, a filter on the rows the trigram indexes found: as an
    // index condition it would read the whole tenant's entries (1M in a one-company database).
    for (const table of SEARCHED_TABLES) {
      await q.query(`GRANT SELECT ON ${table} TO ${TENANT_DIRECTORY_ROLE}`);
      await q.query(`CREATE POLICY ${table}_search ON ${table} FOR SELECT TO ${TENANT_DIRECTORY_ROLE} USING (true)`);
    }
    // Planned at each call with the pattern itself (EXECUTE … USING): a search's best plan depends
    // on its text, and a plan made for any text reads every event for a rare one.
    await q.query(`
      CREATE FUNCTION matching_client_ids(pattern text) RETURNS SETOF integer
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      BEGIN
        RETURN QUERY EXECUTE $search$
          SELECT c.id FROM public.clients c
           WHERE c.tenant_id + 0 = ${TENANT_SETTING}
             AND (c.full_name ILIKE $1 ESCAPE '\\' OR c.email ILIKE $1 ESCAPE '\\' OR c.company_name ILIKE $1 ESCAPE '\\')
        $search$ USING pattern;
      END $$`);
    await q.query(`
      CREATE FUNCTION matching_event_ids(pattern text) RETURNS SETOF integer
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      BEGIN
        RETURN QUERY EXECUTE $search$
          SELECT e.id FROM public.events e
           WHERE e.tenant_id + 0 = ${TENANT_SETTING}
             AND (e.name ILIKE $1 ESCAPE '\\' OR e.location ILIKE $1 ESCAPE '\\')
          UNION
          SELECT e.id FROM public.contracts k
            JOIN public.events e ON e.tenant_id = k.tenant_id AND e.contract_id = k.id
           WHERE k.tenant_id = ${TENANT_SETTING}
             AND k.client_id = ANY(ARRAY(SELECT public.matching_client_ids($1)))
        $search$ USING pattern;
      END $$`);
    for (const fn of ['tenant_by_slug(text)', 'current_tenant()', 'matching_client_ids(text)', 'matching_event_ids(text)']) {
      await q.query(`ALTER FUNCTION ${fn} OWNER TO ${TENANT_DIRECTORY_ROLE}`);
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${TENANT_USER_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // Merging companies back into one would break their unique emails and mix their records.
    const [{ n }] = (await q.query(`SELECT count(*)::int AS n FROM tenants WHERE slug <> 'default'`)) as { n: number }[];
    if (n > 0) throw new Error(`cannot revert: the database holds ${n} tenant(s) besides default, whose records would be merged`);

    await q.query(`DROP FUNCTION matching_event_ids(text)`);
    await q.query(`DROP FUNCTION matching_client_ids(text)`);
    for (const table of SEARCHED_TABLES) {
      await q.query(`DROP POLICY ${table}_search ON ${table}`);
      await q.query(`REVOKE SELECT ON ${table} FROM ${TENANT_DIRECTORY_ROLE}`);
    }
    await q.query(`DROP FUNCTION current_tenant()`);
    await q.query(`DROP FUNCTION tenant_by_slug(text)`);
    // The roles are the cluster's (other databases may use them): only their rights here go.
    await q.query(`REVOKE ALL ON ${[...TENANT_TABLES, 'migrations'].join(', ')} FROM ${TENANT_USER_ROLE}`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${TENANT_USER_ROLE}`);
    await q.query(`REVOKE ALL ON tenants, plans FROM ${TENANT_DIRECTORY_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${TENANT_USER_ROLE}, ${TENANT_DIRECTORY_ROLE}`);

    for (const table of TENANT_TABLES) {
      await q.query(`DROP POLICY ${table}_tenant ON ${table}`);
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    for (const [name, table, unique, before, , partial] of INDEXES) {
      await q.query(`DROP INDEX ${name}`);
      await q.query(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${table} ${before} ${partial}`);
    }
    for (const table of EMAIL_TABLES) await q.query(`ALTER TABLE ${table} DROP COLUMN email_key`);
    for (const [table, name] of FOREIGN_KEYS) await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${name}`);
    await q.query(`ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_token_hash_key`);
    await q.query(`ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)`);
    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (id)`);
    }
    for (const [table, name, column, parent, onDelete] of FOREIGN_KEYS) {
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${column}) REFERENCES ${parent} (id) ON DELETE ${onDelete}`);
    }
    for (const table of TENANT_TABLES) await q.query(`ALTER TABLE ${table} DROP COLUMN tenant_id`);
    await q.query(`DROP TABLE tenants`);
    await q.query(`DROP FUNCTION tenants_lifecycle()`);
    await q.query(`DROP TABLE plans`);
  }
}

/**
 * The two roles, unless they exist (`db roles --print` creates them where migrations run without
 * the right to create roles). Roles belong to the whole cluster: two databases migrated at once
 * may both try, and the second one's duplicate is no error.
 */
async function createRolesIfMissing(q: QueryRunner): Promise<void> {
  await q.query(`
    DO $roles$
    DECLARE
      wanted text;
    BEGIN
      FOREACH wanted IN ARRAY ARRAY['${TENANT_USER_ROLE}', '${TENANT_DIRECTORY_ROLE}'] LOOP
        CONTINUE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = wanted);
        BEGIN
          EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', wanted);
        EXCEPTION
          WHEN duplicate_object OR unique_violation THEN NULL;
          WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'the role % is missing and % may not create it', wanted, current_user
              USING HINT = 'run the SQL of "epicevents db roles --print" as a superuser first', ERRCODE = 'insufficient_privilege';
        END;
      END LOOP;
    END $roles$`);
}
