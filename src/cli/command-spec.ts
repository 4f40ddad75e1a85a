import { type CommandContext } from './context';
import { type CommandResult } from '../output/view';

export interface OptionSpec {
  flags: string;
  description: string;
}

export interface CommandInput {
  args: string[];
  options: Record<string, unknown>;
}

export type RunFunction = (ctx: CommandContext, input: CommandInput) => Promise<CommandResult>;

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
  load: () => Promise<RunFunction>;
}
