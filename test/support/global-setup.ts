import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { Database } from '../../src/database/database';
import { describeServer } from '../../src/database/database-errors';
import { embeddedEmptyTemplate, serverUrl, withDatabase } from './test-database';

/** Creates and migrates one template database per run; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  // Both integration projects (direct and server mode) share the run's template.
  if (process.env.EPICEVENTS_TEST_TEMPLATE) return;
  const url = serverUrl();
  const template = `epicevents_test_${process.pid}_tpl`;
  if (url) {
    process.stdout.write(`\nintegration tests: ${describeServer(url)} (TEST_DATABASE_URL)\n`);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    await admin.end();
    const db = await Database.open({ databaseUrl: withDatabase(url, template), dataDir: '' });
    await db.migrate();
    await db.close();
    process.env.EPICEVENTS_TEST_TEMPLATE = template;
    return;
  }
  process.stdout.write('\nintegration tests: embedded PGlite (set TEST_DATABASE_URL to use a server)\n');
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-tpl-')), 'data');
  // Creating a data folder (PostgreSQL's initdb) costs seconds, many under load: it is done once
  // here, and the folder copied before the migrations is the run's empty database (test-database.ts).
  await (await Database.open({ dataDir })).close();
  fs.cpSync(dataDir, embeddedEmptyTemplate(dataDir), { recursive: true });
  const db = await Database.open({ dataDir });
  await db.migrate();
  await db.close();
  process.env.EPICEVENTS_TEST_TEMPLATE = dataDir;
}
