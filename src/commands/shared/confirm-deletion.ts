import { type ParseContext } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { usageError } from '../../errors/cli-error';
import { type CommandResult, message } from '../../output/view';

/**
 * Deletes need a yes: `--yes`, or an answer on a terminal. Not on a terminal and without `--yes`,
 * the command stops (exit 2) rather than wait for an answer nobody can give. A "no" is an answer,
 * not a failure: false, and the command deletes nothing and says so (exit 0).
 */
export async function confirmDeletion(ctx: CommandContext, what: string): Promise<boolean> {
  if (ctx.globals.yes) return true;
  if (!ctx.prompter.interactive) throw usageError('--yes is required when not running interactively');
  return ctx.prompter.confirm(`Delete ${what}? This cannot be undone.`);
}

/** The parse step's half: off a terminal, a delete without `--yes` stops before anything opens. */
export function assertConfirmable(how: ParseContext): void {
  if (!how.globals.yes && !how.interactive) throw usageError('--yes is required when not running interactively');
}

/** What a delete answered "no" prints. */
export const NOTHING_DELETED: CommandResult = message('nothing deleted', { deleted: null });
