import { type CommandInput } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { type Database } from '../../database/database';
import { hasEmployees } from '../../services/seed.service';
import { seedFlags } from './seed';

/*
 * `db seed` and `db revert` need a login once the database has an employee: before that there is
 * nobody to log in as, and nothing of anyone's to lose. The runner asks these before they run.
 */

/** Seeding works on the current schema (the embedded database is migrated first); its flags are checked before anything. */
export async function seedNeedsLogin(ctx: CommandContext, input: CommandInput): Promise<boolean> {
  seedFlags(input.options);
  return hasEmployees(await ctx.db());
}

/** Reverting works on the schema as it is, which may have no employees table (yet, or any more). */
export async function revertNeedsLogin(ctx: CommandContext): Promise<boolean> {
  return employeesExist(await ctx.rawDb());
}

async function employeesExist(db: Database): Promise<boolean> {
  const [row] = await db.query<{ present: boolean }>(`SELECT to_regclass('public.employees') IS NOT NULL AS present`);
  return row.present && (await hasEmployees(db));
}
