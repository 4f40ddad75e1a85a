import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * An event's dates within the years 1900 to 9999 (UTC), as the CLI and the API accept them: an
 * INSERT that goes around them (a script with the database's password, a future code path) cannot
 * store a date that ISO 8601 JSON cannot write in four digits or that no event has. Added NOT VALID
 * then validated: the check of existing rows takes no lock that stops writes.
 */
export class EventDateRange1795950000000 implements MigrationInterface {
  name = 'EventDateRange1795950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE events ADD CONSTRAINT events_dates_in_range
        CHECK (start_at >= '1900-01-01T00:00:00Z' AND end_at < '10000-01-01T00:00:00Z') NOT VALID`);
    await q.query(`ALTER TABLE events VALIDATE CONSTRAINT events_dates_in_range`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events DROP CONSTRAINT events_dates_in_range`);
  }
}
