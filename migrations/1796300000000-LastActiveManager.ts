import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A tenant that has employees always keeps an active MANAGEMENT account, kept by the database as
 * well as by the employee service (which refuses first, with the same sentence):
 *
 * - Row-level AFTER triggers on `employees`, for an UPDATE of `role` or `is_active` and for a
 *   DELETE, whose WHEN clause lets the function run only when the row was an active manager and is
 *   no longer one: a login's counter, a rename or any other change costs nothing. An AFTER row
 *   trigger runs once the whole statement is done and sees all of it, so one statement that demotes
 *   one manager and promotes another is accepted. (A statement-level trigger with transition
 *   tables would run on every UPDATE of the table: PostgreSQL refuses them a column list.)
 * - The function first writes the tenant's row of `tenant_usage` (a change to nothing): from there
 *   to commit, whoever else removes a manager of that tenant waits, then, at READ COMMITTED, counts
 *   again with the first one's change committed and visible, so two parallel deactivations of the
 *   last two managers leave one. At REPEATABLE READ the second fails to serialize instead (a real
 *   write, not a mere row lock, is what makes it fail): never both.
 * - What is refused: a change that leaves the tenant with employees but no active manager, with
 *   SQLSTATE ET003 and the service's sentence (src/database/database-errors.ts: exit 6, HTTP 409).
 *   A tenant emptied of every employee is no lockout (the state before its first account), so a
 *   whole tenant can still be emptied; TRUNCATE fires no row trigger.
 * - SECURITY DEFINER, owned by `epicevents_tenant_directory` like the usage counters: the
 *   application role may not write `tenant_usage`, and a superuser's statement (which sets no
 *   tenant, or another one) must count the changed row's tenant. Its owner reads three columns of
 *   `employees` under a policy of its own. Nothing is kept in the session: it works behind a
 *   transaction pooler.
 */
const TENANT_DIRECTORY_ROLE = 'epicevents_tenant_directory';

/** SQLSTATE of the refusal (src/database/tenant-scope.ts, LAST_MANAGER_SQLSTATE). */
const LAST_MANAGER_SQLSTATE = 'ET003';

const FUNCTION = 'keep_an_active_manager()';
const WAS_ACTIVE_MANAGER = `OLD.role = 'MANAGEMENT' AND OLD.is_active`;

export class LastActiveManager1796300000000 implements MigrationInterface {
  name = 'LastActiveManager1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT SELECT (tenant_id, role, is_active) ON employees TO ${TENANT_DIRECTORY_ROLE}`);
    await q.query(`CREATE POLICY employees_managers ON employees FOR SELECT TO ${TENANT_DIRECTORY_ROLE} USING (true)`);
    await q.query(`
      CREATE FUNCTION keep_an_active_manager() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      BEGIN
        -- One removal of a manager per tenant at a time, until commit (see the migration).
        UPDATE public.tenant_usage u SET active_employees = u.active_employees WHERE u.tenant_id = OLD.tenant_id;
        IF EXISTS (SELECT FROM public.employees e WHERE e.tenant_id = OLD.tenant_id AND e.role = 'MANAGEMENT' AND e.is_active)
           OR NOT EXISTS (SELECT FROM public.employees e WHERE e.tenant_id = OLD.tenant_id) THEN
          RETURN NULL;
        END IF;
        RAISE EXCEPTION 'employee % is the last active MANAGEMENT account and cannot be %', OLD.id,
          CASE WHEN TG_OP = 'DELETE' THEN 'deleted' WHEN NOT NEW.is_active THEN 'deactivated' ELSE 'moved out of MANAGEMENT' END
          USING ERRCODE = '${LAST_MANAGER_SQLSTATE}', HINT = 'create or reactivate another manager first';
      END $$`);
    await q.query(`
      CREATE TRIGGER employees_keep_a_manager_update AFTER UPDATE OF role, is_active ON employees
      FOR EACH ROW WHEN (${WAS_ACTIVE_MANAGER} AND NOT (NEW.role = 'MANAGEMENT' AND NEW.is_active))
      EXECUTE FUNCTION ${FUNCTION}`);
    await q.query(`
      CREATE TRIGGER employees_keep_a_manager_delete AFTER DELETE ON employees
      FOR EACH ROW WHEN (${WAS_ACTIVE_MANAGER})
      EXECUTE FUNCTION ${FUNCTION}`);
    await q.query(`ALTER FUNCTION ${FUNCTION} OWNER TO ${TENANT_DIRECTORY_ROLE}`);
    await q.query(`REVOKE ALL ON FUNCTION ${FUNCTION} FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER employees_keep_a_manager_delete ON employees`);
    await q.query(`DROP TRIGGER employees_keep_a_manager_update ON employees`);
    await q.query(`DROP FUNCTION ${FUNCTION}`);
    await q.query(`DROP POLICY employees_managers ON employees`);
    await q.query(`REVOKE SELECT (tenant_id, role, is_active) ON employees FROM ${TENANT_DIRECTORY_ROLE}`);
  }
}
