import { SERVER_STATEMENT_TIMEOUT_MS } from '../config/config';
import { validationError } from '../errors/cli-error';

/**
 * The least-privilege database roles (docs/database.md), as a psql script:
 * - the owner role owns the database and the public schema and runs the migrations;
 * - the application role reads and writes the rows of the business and session tables, may only
 *   INSERT and SELECT the audit trail, only SELECT the migrations table, cannot create, alter or
 *   drop anything, and has no large objects.
 * Identity columns need no sequence privilege for an INSERT; USAGE on the id sequences is granted
 * because `db seed` draws ids in bulk (nextval) before inserting rows that refer to each other.
 * Both roles are held to row security (docs/tenancy.md): neither is a superuser nor bypasses it,
 * the application role owns nothing, and it reads tenants and plans only through TENANT_FUNCTIONS.
 * The script also creates, without login, the two roles of the tenants migration: the tenant role
 * (what a superuser session switches to) and the owner of the tenant functions; the owner role,
 * which migrates without the right to create roles, gets the latter's membership to hand it the
 * functions.
 */
export interface RoleNames {
  database: string;
  owner: string;
  app: string;
}

export const DEFAULT_OWNER_ROLE = 'epicevents_owner';
export const DEFAULT_APP_ROLE = 'epicevents_app';

/** Tables whose rows the application reads and writes. */
export const READ_WRITE_TABLES = ['employees', 'clients', 'contracts', 'events', 'notifications', 'session_families', 'refresh_tokens'] as const;
/** Append-only: the application may add and read entries, never change or remove one. */
export const APPEND_ONLY_TABLES = ['audit_log'] as const;
/** The platform operator's accounts and logins (of no tenant): read, added and ended by the server, never deleted. */
export const PLATFORM_TABLES = ['platform_operators', 'platform_sessions'] as const;
/** The platform operator's audit trail: append-only, as the tenants' own. */
export const PLATFORM_APPEND_ONLY_TABLES = ['platform_audit_log'] as const;
/** Read-only for the application: TypeORM's record of applied migrations. */
export const READ_ONLY_TABLES = ['migrations'] as const;
/** Neither read nor written by the application, which goes through TENANT_FUNCTIONS (the usage counters: their triggers). */
export const DIRECTORY_TABLES = ['plans', 'tenants', 'tenant_usage'] as const;
/** SECURITY DEFINER functions, the application's only way to tenants, plans and usage. */
export const TENANT_FUNCTIONS = ['tenant_by_slug(text)', 'current_tenant()', 'matching_client_ids(text)', 'matching_event_ids(text)', 'current_tenant_account()', 'current_tenant_standing()'] as const;
/** SECURITY DEFINER functions of the platform operator's routes: tenants created and changed, and counted (migrations/1796200000000-Platform.ts). */
export const PLATFORM_FUNCTIONS = [
  'create_tenant(text, text, text, boolean)',
  'platform_tenants()',
  'set_tenant_status(bigint, text)',
  'set_tenant_plan(bigint, text)',
  'extend_tenant_trial(bigint, integer)',
  'tenant_counts()',
] as const;
/** The newest table the script grants on: until it exists, the schema is not the current one and the grants wait. */
const NEWEST_TABLE = 'platform_audit_log';
/** Created by the tenants migration when it may, else by this script (the names are the migration's). */
export const TENANT_USER_ROLE = 'epicevents_tenant_user';
export const TENANT_DIRECTORY_ROLE = 'epicevents_tenant_directory';
/**
 * PostgreSQL lets every role (PUBLIC) create, write and read large objects: storage outside every
 * table, grant and audit. The CLI uses none, so nobody connected to this database gets them.
 */
export const LARGE_OBJECT_FUNCTIONS = [
  'lo_creat(integer)',
  'lo_create(oid)',
  'lo_from_bytea(oid, bytea)',
  'lo_import(text)',
  'lo_import(text, oid)',
  'lo_export(oid, text)',
  'lo_open(oid, integer)',
  'lowrite(integer, bytea)',
  'lo_put(oid, bigint, bytea)',
  'loread(integer, integer)',
  'lo_get(oid)',
  'lo_get(oid, bigint, integer)',
  'lo_truncate(integer, integer)',
  'lo_truncate64(integer, bigint)',
  'lo_unlink(oid)',
] as const;

// Names go into the script unquoted or inside string literals: only plain identifiers, so nothing
// in a name can end a literal or a dollar quote.
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const DATABASE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$/;

export function parseRoleName(value: unknown, flag: string): string {
  const text = String(value ?? '').trim();
  if (!ROLE_NAME.test(text) || text.startsWith('pg_')) {
    throw validationError(`${flag} must be a role name of lower-case letters, digits and _ (at most 63, not starting with pg_), got "${text.slice(0, 40)}"`);
  }
  return text;
}

export function parseDatabaseName(value: string): string {
  if (!DATABASE_NAME.test(value)) {
    throw validationError(
      `the database name in DATABASE_URL must be letters, digits, _ and - (at most 63) for the generated SQL (got "${value.slice(0, 40)}")`,
      'write the grants by hand from docs/database.md',
    );
  }
  return value;
}

/** The lines of a DO block that create `name` with no privilege beyond `login`, unless it exists. */
function createRoleUnlessExists(name: string, login: 'LOGIN' | 'NOLOGIN'): string[] {
  return [
    `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${name}') THEN`,
    `    CREATE ROLE ${name} ${login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;`,
    '  END IF;',
  ];
}

export function rolesSql({ database, owner, app }: RoleNames): string {
  if (owner === app) throw validationError('--owner and --app must be two different roles');
  const db = `"${database}"`;
  const lines = [
    `-- Least-privilege roles for the epicevents database ${db}: ${owner} (owns the schema, runs`,
    `-- migrations) and ${app} (what the CLI connects as). Generated by \`epicevents db roles --print\`.`,
    '--',
    `-- Run it with psql as a superuser, connected to ${db}, once before and once after migrating:`,
    `--   1. epicevents db roles --print | psql -v ON_ERROR_STOP=1 "postgres://postgres@HOST:5432/${database}"`,
    `--   2. DATABASE_URL=postgres://${owner}:PASSWORD@HOST:5432/${database} epicevents db migrate`,
    `--   3. the command of step 1 again: it grants ${app} its rights on the tables step 2 created`,
    '--      (run it again after every migration that adds a table).',
    '--',
    '-- No password is written here. Set them in psql, where \\password hashes them before sending:',
    `--   \\password ${owner}`,
    `--   \\password ${app}`,
    `-- or pass them as psql variables: psql -v owner_password=... -v app_password=... (beware: the`,
    '-- value is then visible in the process list and sent in clear to the server).',
    '',
    '\\set ON_ERROR_STOP on',
    '',
    'DO $roles$',
    'BEGIN',
    `  IF current_database() <> '${database}' THEN`,
    `    RAISE EXCEPTION 'connect to the database ${database} to run this script (not %)', current_database();`,
    '  END IF;',
    '  -- Both log in; neither is a superuser, creates databases or roles, or bypasses row security.',
    ...createRoleUnlessExists(owner, 'LOGIN'),
    ...createRoleUnlessExists(app, 'LOGIN'),
    '  -- Without login: the tenant role, and the owner of the tenant functions (docs/tenancy.md).',
    ...createRoleUnlessExists(TENANT_USER_ROLE, 'NOLOGIN'),
    ...createRoleUnlessExists(TENANT_DIRECTORY_ROLE, 'NOLOGIN'),
    'END $roles$;',
    '',
    `-- A statement of ${app} that runs longer is cancelled, whichever session runs it: a server behind`,
    '-- a transaction pooler (PgBouncer) cannot set it on its own connections.',
    `ALTER ROLE ${app} SET statement_timeout = '${SERVER_STATEMENT_TIMEOUT_MS / 1000}s';`,
    '',
    '\\if :{?owner_password}',
    `ALTER ROLE ${owner} PASSWORD :'owner_password';`,
    '\\endif',
    '\\if :{?app_password}',
    `ALTER ROLE ${app} PASSWORD :'app_password';`,
    '\\endif',
    '',
    `-- The owner owns the database (so it may install the trusted extension pg_trgm) and the schema.`,
    `ALTER DATABASE ${db} OWNER TO ${owner};`,
    `REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`,
    `GRANT CONNECT ON DATABASE ${db} TO ${app};`,
    `ALTER SCHEMA public OWNER TO ${owner};`,
    'REVOKE ALL ON SCHEMA public FROM PUBLIC;',
    `-- USAGE only: ${app} may use what is in the schema, never CREATE in it (no DDL).`,
    `GRANT USAGE ON SCHEMA public TO ${app};`,
    `-- The migration hands ${TENANT_DIRECTORY_ROLE} the tenant functions: ${owner} must be able to.`,
    `GRANT ${TENANT_DIRECTORY_ROLE} TO ${owner};`,
    `GRANT CREATE ON SCHEMA public TO ${TENANT_DIRECTORY_ROLE};`,
    '-- No large objects: by default every role may create and write them, outside any table grant.',
    `REVOKE EXECUTE ON FUNCTION ${LARGE_OBJECT_FUNCTIONS.join(', ')} FROM PUBLIC, ${app};`,
    '',
    '-- Rights on the tables, once the migrations have created them.',
    'DO $roles$',
    'BEGIN',
    `  IF to_regclass('public.${NEWEST_TABLE}') IS NULL THEN`,
    `    RAISE NOTICE 'no tables yet, or not the current schema: run "epicevents db migrate" as ${owner}, then this script again';`,
    '    RETURN;',
    '  END IF;',
    `  REVOKE ALL ON ${[...READ_WRITE_TABLES, ...APPEND_ONLY_TABLES, ...READ_ONLY_TABLES, ...DIRECTORY_TABLES, ...PLATFORM_TABLES, ...PLATFORM_APPEND_ONLY_TABLES].join(', ')} FROM ${app};`,
    `  GRANT SELECT, INSERT, UPDATE, DELETE ON ${READ_WRITE_TABLES.join(', ')} TO ${app};`,
    '  -- The audit trail is append-only: no UPDATE, DELETE or TRUNCATE, whatever its triggers say.',
    `  GRANT SELECT, INSERT ON ${APPEND_ONLY_TABLES.join(', ')} TO ${app};`,
    `  GRANT SELECT ON ${READ_ONLY_TABLES.join(', ')} TO ${app};`,
    `  -- Tenants and plans only through these functions (${TENANT_DIRECTORY_ROLE}'s, SECURITY DEFINER).`,
    `  GRANT EXECUTE ON FUNCTION ${TENANT_FUNCTIONS.join(', ')} TO ${app};`,
    '  -- The platform operator: its accounts and logins, its append-only trail, and tenants through functions.',
    `  GRANT SELECT, INSERT, UPDATE ON ${PLATFORM_TABLES.join(', ')} TO ${app};`,
    `  GRANT SELECT, INSERT ON ${PLATFORM_APPEND_ONLY_TABLES.join(', ')} TO ${app};`,
    `  GRANT EXECUTE ON FUNCTION ${PLATFORM_FUNCTIONS.join(', ')} TO ${app};`,
    '  -- nextval on the id sequences: `db seed` draws ids in bulk (an INSERT alone needs no right on them).',
    `  REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${app};`,
    `  GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${app};`,
    'END $roles$;',
    '',
  ];
  return lines.join('\n');
}
