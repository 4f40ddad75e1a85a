import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `event list --mine` for SUPPORT lists the events not over yet, then those over, each in the
 * order they end: both parts are then ranges of one index, an event under way included. In the
 * order they start, "not over yet" is no range (an event under way started before now), and a
 * person with 59 000 past events had them all read to find the first page (4 s at a million).
 */
export class SupportScheduleIndex1795900000000 implements MigrationInterface {
  name = 'SupportScheduleIndex1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_support_end_idx ON events (support_contact_id, end_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_support_end_idx`);
  }
}
