import { type CommandContext } from '../../cli/context';
import { CliError, usageError } from '../../errors/cli-error';

/**
 * Deletes need a yes: `--yes`, or an answer on a terminal. Not on a terminal and without `--yes`,
 * the command stops (exit 2) rather than wait for an answer nobody can give. A "no" is a
 * cancellation (exit 130) and nothing is deleted.
 */
export async function confirmDeletion(ctx: CommandContext, what: string): Promise<void> {
  if (ctx.globals.yes) return;
  if (!ctx.prompter.interactive) throw usageError('--yes is required when not running interactively');
  const ok = await ctx.prompter.confirm(`Delete ${what}? This cannot be undone.`);
  if (!ok) throw new CliError('cancelled', `cancelled: ${what} was not deleted`);
}
