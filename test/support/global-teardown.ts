import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { serverUrl } from './test-database';

/** Drops the run's template and any database a crashed test file left behind. */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.EPICEVENTS_TEST_TEMPLATE;
  if (!template) return;
  const url = serverUrl();
  if (!url) {
    fs.rmSync(path.dirname(template), { recursive: true, force: true });
    return;
  }
  const prefix = template.replace(/_tpl$/, '');
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await admin.end();
}
