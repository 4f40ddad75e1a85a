/**
 * Entry point of the single-file bundle that `bin/epicevents.js` runs (built by
 * scripts/build-bundle.js, measured in docs/performance.md): the CLI itself, and a warm-up the
 * build calls once so that V8's compiled code for every module's start-up can be stored with it.
 */
export { runMain } from './main';

/** Runs the start-up code of every command, the database layer and TypeORM's metadata builder; connects to nothing. */
export async function warmUp(): Promise<void> {
  const { CATALOG } = await import('../commands/catalog');
  for (const spec of CATALOG) await spec.load();
  await import('../database/database');
  const { createDataSource } = await import('../database/data-source');
  const dataSource = createDataSource({ databaseUrl: 'postgres://warm-up@127.0.0.1:1/none', dataDir: '' });
  // Protected in TypeORM's types: what `initialize()` does after connecting.
  await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
  // The SQL generation every list goes through (joins, keyset condition, order, limit), without running it.
  const { Event } = await import('../entities');
  dataSource.manager
    .createQueryBuilder(Event, 'event')
    .innerJoinAndSelect('event.contract', 'contract')
    .innerJoinAndSelect('contract.client', 'client')
    .leftJoinAndSelect('event.supportContact', 'support')
    .andWhere('event.id > :cursor', { cursor: 1 })
    .orderBy('event.id', 'ASC')
    .limit(51)
    .getQueryAndParameters();
  // The output layer: a table (plain and coloured) and a JSON document, written nowhere.
  const { Writable } = await import('node:stream');
  const { Output } = await import('../output/output');
  const { tableView } = await import('../output/view');
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rows = [{ id: 1, name: 'Kevin Casey', email: 'kevin@startup.io' }];
  const view = tableView(rows, [
    { header: 'id', value: (r) => String(r.id), align: 'right' },
    { header: 'name', value: (r) => r.name, flexible: true },
    { header: 'email', value: (r) => r.email, flexible: true },
  ], 'none');
  for (const mode of [{ json: false, color: false }, { json: false, color: true }, { json: true, color: false }]) {
    new Output({ stdout: sink, stderr: sink }, mode).render({ json: rows, human: view });
  }
}
