import { type CommandContext, type GlobalOptions } from './context';
import { type CommandResult } from '../output/view';
import { type Action } from '../permissions/permission-matrix';

export interface OptionSpec {
  flags: string;
  description: string;
}

/** The options every command takes, listed once in the root's --help (program.ts) and completed everywhere. */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  { flags: '--json', description: 'print one JSON document on stdout' },
  { flags: '--no-color', description: 'plain output without colour (also NO_COLOR)' },
  { flags: '-y, --yes', description: 'answer yes to confirmations (needed for deletes and `db revert` when not on a terminal)' },
];

export interface CommandInput {
  args: string[];
  options: Record<string, unknown>;
}

/**
 * What a parse step may know besides the flags: the global options and whether a person can be
 * asked for what is missing (stdin and stdout both terminals). Nothing it could open or wait on.
 */
export interface ParseContext {
  globals: GlobalOptions;
  interactive: boolean;
}

/**
 * Flags and arguments → the command's typed input, or a usage/validation error (exit 2). Pure: the
 * runner calls it before it resolves the caller or opens anything, so a bad flag is told at once.
 */
export type ParseFunction<P> = (input: CommandInput, how: ParseContext) => P;

/** Runs the command on what its spec's `parse` returned (the raw flags when it has none). */
export type RunFunction<P = CommandInput> = (ctx: CommandContext, input: P) => Promise<CommandResult>;

/**
 * A login needed only in some cases, decided before the command runs: `db seed` and `db revert`
 * need one once the database has an employee (before that, there is nobody to log in as).
 */
export interface ConditionalSession {
  sessionWhen: (ctx: CommandContext, input: CommandInput) => Promise<boolean>;
}

/**
 * A command as data: what commander needs to parse and document it, plus a lazy `load` of the
 * module that runs it, so `--help` never imports the services, TypeORM or argon2.
 */
export interface CommandSpec {
  /** Noun and verb, e.g. `client create`. */
  name: string;
  summary: string;
  /** Positional arguments in commander syntax, e.g. `<id>`. */
  args?: string;
  options?: OptionSpec[];
  examples: string[];
  /**
   * `session`: the runner resolves the caller (exit 3 without a valid login) and puts it on the
   * context before `run`; `none`: the command runs without one (`login`, `init`, most `db` commands).
   */
  auth: 'none' | 'session' | ConditionalSession;
  /** Runs while the caller's password change is due (`whoami`, `password change`); every other command refuses (exit 3). */
  allowPendingPasswordChange?: true;
  /**
   * Runs while the caller's tenant is out of service (trial ended, suspended, cancelled):
   * `whoami` and `tenant show`, so its people can see why; every other command refuses (exit 4).
   */
  allowTenantOutOfService?: true;
  /**
   * The permission-matrix action the command performs, checked as soon as the caller is known, so
   * that a refused caller is told before any question (the services check again: they decide).
   * A function when the action depends on the flags; undefined when the role alone cannot tell.
   */
  action?: Action | ((input: CommandInput) => Action | undefined);
  /**
   * Works on this machine's database itself (`serve`, `db …`) or on nothing (`completion`): never
   * through a server, whatever EPICEVENTS_SERVER or `login --server` say.
   */
  directOnly?: true;
  /**
   * Checks the flags and arguments and makes the run function's input, before the caller is
   * resolved or the database opened. It calls the parsers of src/validation, as the services do.
   */
  parse?: ParseFunction<unknown>;
  /** The run function; its input is what `parse` returned (`never` here: each spec pairs its own). */
  load: () => Promise<RunFunction<never>>;
}
