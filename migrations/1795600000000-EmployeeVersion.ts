import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Employees get the `version` clients, contracts and events have had from the start: every change
 * a person makes to an employee (update, deactivation, reactivation, password reset or change)
 * adds one, and `employee update --expected-version N` refuses to write over a change the script
 * did not see. Failed-login counters do not count: they are not a change anyone reviews.
 */
export class EmployeeVersion1795600000000 implements MigrationInterface {
  name = 'EmployeeVersion1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE employees ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE employees DROP COLUMN version`);
  }
}
