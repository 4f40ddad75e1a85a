import { type RunFunction } from '../../cli/command-spec';
import { type RevertPlan } from '../../database/database';
import { message } from '../../output/view';
import { confirmDeletion } from '../shared/confirm-deletion';

/**
 * Reverts the newest applied migration. A step can drop every table and the audit trail, so once
 * the database has an employee it takes a MANAGEMENT login and a confirmation (`--yes` off a
 * terminal), and names what it removes first. A database without employees (fresh, or with its
 * schema already gone) needs neither: there is nobody to log in and nothing of anyone's to lose.
 */
export const run: RunFunction = async (ctx) => {
  const db = await ctx.rawDb();
  // The runner asked for a MANAGEMENT login when the database has employees (login-needed.ts).
  const guarded = ctx.caller !== undefined;
  const plan = await db.revertPlan();
  if (!plan) return message('nothing to revert: the schema is empty', { reverted: null, droppedTables: [] });
  if (guarded && !(await confirmDeletion(ctx, removal(plan)))) return message('nothing reverted', { reverted: null, droppedTables: [] });
  const reverted = await db.revert(plan.migration);
  const dropped = plan.droppedTables.length === 0 ? 'no table dropped' : `dropped ${tableList(plan)}`;
  return message(`reverted ${reverted}: ${dropped}`, { reverted, droppedTables: plan.droppedTables });
};

/** `migration X and the tables clients (20000 rows), events (3 rows)`: what the step removes. */
function removal(plan: RevertPlan): string {
  return plan.droppedTables.length === 0 ? `migration ${plan.migration} (it drops no table)` : `migration ${plan.migration} and ${tableList(plan)}`;
}

function tableList(plan: RevertPlan): string {
  return `the tables ${plan.droppedTables.map((t) => `${t.table} (${t.rows} ${t.rows === 1 ? 'row' : 'rows'})`).join(', ')}`;
}
