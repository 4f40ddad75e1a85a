import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The database, not the application, says when an audit entry happened: a trigger overwrites
 * `occurred_at` on every insert, so no client (the CLI or someone with the application role's
 * password) can backdate an entry. It takes the clock at the insert, which comes after every lock
 * the write took (its author's row among them): two writes that waited on each other are stamped
 * in the order they committed, which the start of their transactions (now()) does not guarantee.
 */
export class AuditTimeFromDatabase1795700000000 implements MigrationInterface {
  name = 'AuditTimeFromDatabase1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.occurred_at := clock_timestamp();
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_stamp BEFORE INSERT ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_stamp()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_log_stamp ON audit_log`);
    await q.query(`DROP FUNCTION audit_log_stamp()`);
  }
}
