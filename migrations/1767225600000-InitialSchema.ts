import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The whole data model. Invariants live here as constraints so that a bug in a service cannot
 * corrupt data: CHECKs for money, dates and counts, case-insensitive unique emails, foreign keys
 * that refuse to leave dangling references (people are reassigned by the service, never cascaded
 * away), triggers for what a CHECK cannot see (a signed contract stays signed, events only for
 * signed contracts, the audit trail is append-only).
 */
export class InitialSchema1767225600000 implements MigrationInterface {
  name = 'InitialSchema1767225600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE employees (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        first_name varchar(100) NOT NULL CHECK (btrim(first_name) <> ''),
        last_name varchar(100) NOT NULL CHECK (btrim(last_name) <> ''),
        email varchar(254) NOT NULL CHECK (position('@' in email) > 1),
        phone varchar(16) CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        role varchar(16) NOT NULL CHECK (role IN ('MANAGEMENT', 'SALES', 'SUPPORT')),
        is_active boolean NOT NULL DEFAULT true,
        password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
        must_change_password boolean NOT NULL DEFAULT false,
        failed_login_count integer NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX employees_email_lower_key ON employees (lower(email))`);
    await q.query(`CREATE INDEX employees_role_idx ON employees (role, id)`);
    await q.query(`CREATE INDEX employees_inactive_idx ON employees (id) WHERE NOT is_active`);

    await q.query(`
      CREATE TABLE clients (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        full_name varchar(150) NOT NULL CHECK (btrim(full_name) <> ''),
        email varchar(254) NOT NULL CHECK (position('@' in email) > 1),
        phone varchar(16) NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        company_name varchar(150) NOT NULL CHECK (btrim(company_name) <> ''),
        sales_contact_id integer NOT NULL REFERENCES employees (id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1)
      )`);
    await q.query(`CREATE UNIQUE INDEX clients_email_lower_key ON clients (lower(email))`);
    await q.query(`CREATE INDEX clients_sales_contact_idx ON clients (sales_contact_id, id)`);

    await q.query(`
      CREATE TABLE contracts (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        client_id integer NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
        sales_contact_id integer NOT NULL REFERENCES employees (id) ON DELETE RESTRICT,
        total_amount numeric(12, 2) NOT NULL CHECK (total_amount >= 0),
        amount_due numeric(12, 2) NOT NULL CHECK (amount_due >= 0),
        is_signed boolean NOT NULL DEFAULT false,
        signed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        CONSTRAINT contracts_amount_due_within_total CHECK (amount_due <= total_amount),
        CONSTRAINT contracts_signed_at_matches CHECK (is_signed = (signed_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX contracts_client_idx ON contracts (client_id, id)`);
    await q.query(`CREATE INDEX contracts_sales_contact_idx ON contracts (sales_contact_id, id)`);
    await q.query(`CREATE INDEX contracts_unsigned_idx ON contracts (id) WHERE NOT is_signed`);
    await q.query(`CREATE INDEX contracts_signed_idx ON contracts (id) WHERE is_signed`);
    await q.query(`CREATE INDEX contracts_unpaid_idx ON contracts (id) WHERE amount_due > 0`);

    await q.query(`
      CREATE TABLE events (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        contract_id integer NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
        name varchar(150) NOT NULL CHECK (btrim(name) <> ''),
        start_at timestamptz NOT NULL,
        end_at timestamptz NOT NULL,
        support_contact_id integer REFERENCES employees (id) ON DELETE RESTRICT,
        location varchar(300) NOT NULL CHECK (btrim(location) <> ''),
        attendees integer NOT NULL CHECK (attendees >= 0),
        notes varchar(5000) NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        CONSTRAINT events_end_after_start CHECK (end_at > start_at)
      )`);
    await q.query(`CREATE INDEX events_contract_idx ON events (contract_id, id)`);
    await q.query(`CREATE INDEX events_support_contact_idx ON events (support_contact_id, id)`);
    await q.query(`CREATE INDEX events_without_support_idx ON events (id) WHERE support_contact_id IS NULL`);
    await q.query(`CREATE INDEX events_start_idx ON events (start_at, id)`);

    await q.query(`
      CREATE TABLE session_families (
        id uuid PRIMARY KEY,
        employee_id integer NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_reason varchar(32)
      )`);
    await q.query(`CREATE INDEX session_families_employee_idx ON session_families (employee_id)`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES session_families (id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);

    // The audit trail outlives what it describes: entity and actor are recorded by value (id plus
    // a label), not as foreign keys, so deleting a client or an employee never rewrites history.
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_id integer,
        actor_label varchar(300),
        action varchar(40) NOT NULL CHECK (btrim(action) <> ''),
        entity_type varchar(20) NOT NULL CHECK (entity_type IN ('employee', 'client', 'contract', 'event', 'session')),
        entity_id integer,
        changes jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id)`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, id)`);
    await q.query(`CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at, id)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);

    await q.query(`
      CREATE TABLE notifications (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        recipient_id integer NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
        kind varchar(40) NOT NULL,
        message varchar(500) NOT NULL,
        entity_type varchar(20),
        entity_id integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, id)`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (recipient_id, id) WHERE read_at IS NULL`);
    await q.query(`
      CREATE UNIQUE INDEX notifications_once_per_event_key ON notifications (kind, entity_id, recipient_id)
      WHERE kind = 'event_upcoming'`);

    await q.query(`
      CREATE FUNCTION contracts_stay_signed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.is_signed AND NOT NEW.is_signed THEN
          RAISE EXCEPTION 'contract % is signed and cannot be unsigned', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER contracts_stay_signed BEFORE UPDATE OF is_signed ON contracts
      FOR EACH ROW EXECUTE FUNCTION contracts_stay_signed()`);
    await q.query(`
      CREATE FUNCTION events_need_signed_contract() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM contracts WHERE id = NEW.contract_id AND is_signed) THEN
          RAISE EXCEPTION 'contract % is not signed', NEW.contract_id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER events_need_signed_contract BEFORE INSERT OR UPDATE OF contract_id ON events
      FOR EACH ROW EXECUTE FUNCTION events_need_signed_contract()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE session_families`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP FUNCTION events_need_signed_contract()`);
    await q.query(`DROP TABLE contracts`);
    await q.query(`DROP FUNCTION contracts_stay_signed()`);
    await q.query(`DROP TABLE clients`);
    await q.query(`DROP TABLE employees`);
  }
}
