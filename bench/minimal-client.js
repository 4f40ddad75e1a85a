#!/usr/bin/env node
// The floor of a direct-mode read in Node, for `npm run bench`: what `client list` does at the very
// least, with nothing of epicevents around it. Loads pg (file by file, as any script would),
// connects to DATABASE_URL, sets the tenant, reads the first page of clients with their owner
// (the list's query) and prints one line per client. No token, permission, config, table or
// error handling: it tells how much of a command is Node and PostgreSQL themselves.
'use strict';
const { Client } = require('pg');

async function main() {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query("SELECT set_config('app.tenant_id', id::text, false) FROM tenants WHERE slug = 'default'");
    const { rows } = await client.query(
      `SELECT c.id, c.full_name, c.email, c.phone, c.company_name, o.first_name, o.last_name
         FROM clients c JOIN employees o ON o.tenant_id = c.tenant_id AND o.id = c.sales_contact_id
        WHERE c.tenant_id = current_setting('app.tenant_id')::bigint AND c.id > $1
        ORDER BY c.id LIMIT 51`,
      [0],
    );
    process.stdout.write(rows.slice(0, 50).map((r) => `${r.id} ${r.full_name} ${r.email} ${r.phone} ${r.company_name} ${r.first_name} ${r.last_name}\n`).join(''));
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
