// Runs one query on an embedded PGlite data folder and prints {rows} or {error} as JSON.
// A separate process because PGlite loads parts of itself with import(), which Jest's module
// sandbox refuses, and because one data folder admits one process at a time.
const { PGlite } = require('@electric-sql/pglite');

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { dataDir, sql, params } = JSON.parse(input);
  // The extensions the migrations install must be loaded to write tables indexed with them.
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm');
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  let result;
  try {
    result = { rows: (await db.query(sql, params)).rows };
  } catch (error) {
    const { message, code, constraint, detail, table, column } = error;
    result = { error: { message, code, constraint, detail, table, column } };
  } finally {
    await db.close();
  }
  // int8 comes back as bigint: text, as the pg driver gives it on a server.
  process.stdout.write(JSON.stringify(result, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
