import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes for the list filters at a million rows (docs/performance.md).
 *
 * `client list --search` is a case-insensitive substring match (ILIKE '%text%') on the full name,
 * the email and the company name: a B-tree cannot serve a leading wildcard, a trigram GIN index
 * can, one per column so the planner ORs three bitmap scans.
 *
 * `audit list --entity client` filters on the type alone and pages newest first: the existing
 * (entity_type, entity_id, id) index cannot give that order, (entity_type, id) can.
 */
export class SearchAndListIndexes1795400000000 implements MigrationInterface {
  name = 'SearchAndListIndexes1795400000000';

  async up(q: QueryRunner): Promise<void> {
    // pg_trgm is a trusted extension: the schema owner may install it without superuser rights.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX clients_full_name_trgm_idx ON clients USING gin (full_name gin_trgm_ops)`);
    await q.query(`CREATE INDEX clients_email_trgm_idx ON clients USING gin (email gin_trgm_ops)`);
    await q.query(`CREATE INDEX clients_company_name_trgm_idx ON clients USING gin (company_name gin_trgm_ops)`);
    await q.query(`CREATE INDEX audit_log_entity_type_idx ON audit_log (entity_type, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_entity_type_idx`);
    await q.query(`DROP INDEX clients_company_name_trgm_idx`);
    await q.query(`DROP INDEX clients_email_trgm_idx`);
    await q.query(`DROP INDEX clients_full_name_trgm_idx`);
    await q.query(`DROP EXTENSION IF EXISTS pg_trgm`);
  }
}
