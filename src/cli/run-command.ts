import { CliError, exitCodeFor } from '../errors/cli-error';
import { translateDatabaseError } from '../database/database-errors';
import { Output, type OutputStreams } from '../output/output';
import { assertAllowed } from '../permissions/assert-allowed';
import { type CommandInput, type CommandSpec, type RunFunction } from './command-spec';
import { flagFor } from './field-flags';
import { CommandContext, type DatabaseLender, type GlobalOptions } from './context';
import { TerminalPrompter } from './prompter';
import { reportBusinessEvents, reportUnexpected } from '../observability/sentry';
import { takeBusinessEvents } from '../observability/business-events';
import { scrubSecrets } from '../observability/scrub';

export interface RunEnvironment {
  streams: OutputStreams;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** A host that runs commands in its own process and keeps databases open for them (the binary has none). */
  databases?: DatabaseLender;
}

/** Runs one command: the single place where errors become a message and an exit code. */
export async function runCommand(spec: CommandSpec, input: CommandInput, globals: GlobalOptions, runtime: RunEnvironment): Promise<number> {
  // `--wide` is a flag of the list commands (PAGE_OPTIONS); the tables read it here.
  const output = new Output(runtime.streams, { json: globals.json, color: globals.color, wide: input.options.wide === true }, runtime.env);
  const interactive = Boolean(runtime.stdin.isTTY && runtime.streams.stdout.isTTY);
  const server = typeof input.options.server === 'string' ? input.options.server : undefined;
  const tenant = typeof input.options.tenant === 'string' ? input.options.tenant : undefined;
  const ctx = new CommandContext(spec.name, globals, output, new TerminalPrompter(interactive), runtime.env, runtime.stdin, { directOnly: spec.directOnly, server, tenant }, runtime.databases);
  try {
    // Flags first: a bad or missing one is exit 2 before any login is looked up or database opened.
    const parsed = spec.parse ? spec.parse(input, { globals, interactive }) : input;
    const run = (await spec.load()) as RunFunction<unknown>;
    await resolveCaller(spec, input, ctx);
    const result = await run(ctx, parsed);
    output.render(result);
    await reportBusinessEvents(takeBusinessEvents(), ctx);
    return 0;
  } catch (caught) {
    takeBusinessEvents(); // the command failed, so what it recorded did not happen
    const error = translateDatabaseError(caught, runtime.env.DATABASE_URL);
    if (error instanceof CliError) {
      output.error(error, flagFor);
      return exitCodeFor(error.code);
    }
    await reportUnexpected(error, ctx);
    if (runtime.env.EPICEVENTS_DEBUG === '1') runtime.streams.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    output.error(
      new CliError('internal', `unexpected error: ${scrubSecrets(firstLine(error), runtime.env)}`, 'this is a bug; set EPICEVENTS_DEBUG=1 for details'),
    );
    return 1;
  } finally {
    await ctx.close();
  }
}

/**
 * The caller, resolved once from what the spec declares: the login it needs, whether a due
 * password change may wait, and the action it performs, refused here before any prompt.
 */
export async function resolveCaller(spec: CommandSpec, input: CommandInput, ctx: CommandContext): Promise<void> {
  const needed = spec.auth === 'session' || (typeof spec.auth === 'object' && (await spec.auth.sessionWhen(ctx, input)));
  if (!needed) return;
  const caller = await (await ctx.backend()).session.caller({
    allowPendingPasswordChange: spec.allowPendingPasswordChange === true,
    allowTenantOutOfService: spec.allowTenantOutOfService === true,
  });
  ctx.caller = caller;
  ctx.actorId = caller.actor.id;
  const action = typeof spec.action === 'function' ? spec.action(input) : spec.action;
  if (action) assertAllowed(caller.actor, action);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 300);
}
