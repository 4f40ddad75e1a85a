import { type RunFunction } from '../../cli/command-spec';
import { unavailable, usageError } from '../../errors/cli-error';
import { DEFAULT_APP_ROLE, DEFAULT_OWNER_ROLE, parseDatabaseName, parseRoleName, rolesSql } from '../../database/roles-sql';
import { flagSet } from '../shared/flags';

/**
 * Prints the SQL that creates the owner and application roles for the configured server. It only
 * prints: it neither connects nor needs a login, and it never sees a password.
 */
export const run: RunFunction = async (ctx, { options }) => {
  if (!flagSet(options, 'print')) {
    throw usageError('db roles only prints the SQL: pass --print', 'pipe it to psql as a superuser, see docs/database.md');
  }
  const owner = options.owner === undefined ? DEFAULT_OWNER_ROLE : parseRoleName(options.owner, '--owner');
  const app = options.app === undefined ? DEFAULT_APP_ROLE : parseRoleName(options.app, '--app');
  const url = ctx.config.databaseUrl;
  if (!url) {
    throw unavailable('db roles needs DATABASE_URL: the embedded database has no roles to set up', 'set DATABASE_URL to the PostgreSQL server the roles are for');
  }
  const database = parseDatabaseName(databaseOf(url));
  const sql = rolesSql({ database, owner, app });
  return { json: { database, owner, app, sql }, human: { kind: 'text', text: sql } };
};

/** The database a URL names; without one, libpq's default: the user's name. */
function databaseOf(url: string): string {
  const parsed = new URL(url);
  return decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
}
