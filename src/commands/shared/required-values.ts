import { type CommandContext } from '../../cli/context';

export interface RequiredValue<K extends string> {
  /** Key of the option in commander's options object (camelCase), e.g. `fullName`. */
  option: K;
  /** The flag as the user types it, e.g. `--full-name`; named in the error when not on a terminal. */
  flag: string;
  /** The prompt question on a terminal. */
  message: string;
  validate?: (value: string) => string | undefined;
  choices?: { name: string; value: string }[];
}

/**
 * Required values: taken from the flags first; those missing are asked for on a terminal, and
 * otherwise the command fails at once (exit 2) naming every missing flag, never waiting on stdin.
 */
export async function requireValues<K extends string>(
  ctx: CommandContext,
  options: Record<string, unknown>,
  values: RequiredValue<K>[],
): Promise<Record<K, string>> {
  const result = {} as Record<K, string>;
  const missing: RequiredValue<K>[] = [];
  for (const value of values) {
    const given = options[value.option];
    if (typeof given === 'string') result[value.option] = given;
    else missing.push(value);
  }
  const answers = await ctx.prompter.ask(
    missing.map((value) => ({ flag: value.flag, message: value.message, validate: value.validate, choices: value.choices })),
  );
  for (const value of missing) result[value.option] = answers[value.flag];
  return result;
}
