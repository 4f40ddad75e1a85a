import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `report` for SUPPORT lists a person's upcoming events soonest first and counts them: with
 * (support_contact_id, start_at) both are a range of one index (an index-only count), where the
 * (support_contact_id, id) index of `event list --mine` made PostgreSQL walk every upcoming event
 * of the company by start time (1.3 s at a million events; docs/performance.md).
 *
 * `report` for MANAGEMENT counts the events of the next 30 days and those among them without
 * support: two index-only range counts, over (start_at, id) and the partial index below, where one
 * count over (start_at, id) read every row for its support column (134 ms to 5 ms at a million).
 */
export class ReportIndexes1795500000000 implements MigrationInterface {
  name = 'ReportIndexes1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_support_start_idx ON events (support_contact_id, start_at, id)`);
    await q.query(`CREATE INDEX events_without_support_start_idx ON events (start_at) WHERE support_contact_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_without_support_start_idx`);
    await q.query(`DROP INDEX events_support_start_idx`);
  }
}
