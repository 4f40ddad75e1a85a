import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `event list --search` is a case-insensitive substring match (ILIKE '%text%') on the event's name
 * and location, as well as on its client's details (served by the clients' trigram indexes of
 * `SearchAndListIndexes`): one trigram GIN index per column, as for clients. `contract list
 * --search` matches only the client's details and needs no index of its own.
 */
export class EventSearchIndexes1795800000000 implements MigrationInterface {
  name = 'EventSearchIndexes1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_name_trgm_idx ON events USING gin (name gin_trgm_ops)`);
    await q.query(`CREATE INDEX events_location_trgm_idx ON events USING gin (location gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_location_trgm_idx`);
    await q.query(`DROP INDEX events_name_trgm_idx`);
  }
}
