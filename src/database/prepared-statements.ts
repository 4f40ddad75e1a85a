/**
 * The statements a server's connection prepares once and then only executes (PostgreSQL plans
 * them once instead of at every run). Planning the clients page took about 0.7 ms of the server's
 * CPU per request, four times its execution (docs/performance.md). Only statements whose plan
 * does not depend on their values belong here: keyed lookups and unfiltered pages, never a
 * `--search` pattern, whose best plan depends on the text.
 */
const names = new Map<string, string>();

/** Marks `sql` (a constant text with `$n` parameters) to run as a prepared statement; returns it. */
export function prepared(sql: string): string {
  if (!names.has(sql)) names.set(sql, `epicevents_${names.size + 1}`);
  return sql;
}

/** The statement name of a text marked by `prepared`, for the database driver. */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}
