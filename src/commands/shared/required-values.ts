import { type CommandContext } from '../../cli/context';
import { type Choice, type MissingValue } from '../../cli/prompter';
import { type FieldLabel } from '../../validation/parse';
import { promptValidator } from './flags';

export interface RequiredValue<K extends string> {
  /** Key of the option in commander's options object (camelCase), e.g. `fullName`. */
  option: K;
  /** The flag as the user types it, e.g. `--full-name`; named in the error when not on a terminal. */
  flag: string;
  /** The prompt question on a terminal. */
  message: string;
  /**
   * The field's rule, from src/validation (the one the service applies). `field` names the value
   * in its message: the flag for a value given as one, the option in words at a prompt.
   */
  parse?: (value: string, field: FieldLabel) => unknown;
  choices?: Choice[];
  /** A type-to-search picker instead of `choices`, for a whole table (see `MissingValue.search`). */
  search?: MissingValue['search'];
}

/**
 * A rule between values (an event ends after it starts), checked with the service's own function
 * as soon as every value in `options` is known: at the prompt of the last one asked, which is
 * then asked again, or before anything is asked when flags gave them all.
 */
export interface CrossRule<K extends string> {
  options: K[];
  /** Throws the service's error when the values break the rule; they have passed their own rules. */
  check: (values: Record<K, string>) => void;
}

/**
 * Required values: taken from the flags first; those missing are asked for on a terminal, and
 * otherwise the command fails at once (exit 2) naming every missing flag, never waiting on stdin.
 * Flags are checked before anything is asked, and each answer when it is typed (its own rule,
 * then the rules it shares with values already known), so nothing typed is lost to a late error.
 */
export async function requireValues<K extends string>(
  ctx: CommandContext,
  options: Record<string, unknown>,
  values: RequiredValue<K>[],
  rules: CrossRule<K>[] = [],
): Promise<Record<K, string>> {
  const result = {} as Record<K, string>;
  const missing: RequiredValue<K>[] = [];
  for (const value of values) {
    const given = options[value.option];
    if (typeof given === 'string') {
      value.parse?.(given, value.flag);
      result[value.option] = given;
    } else {
      missing.push(value);
    }
  }
  const known = (rule: CrossRule<K>) => rule.options.every((option) => option in result);
  for (const rule of rules) if (known(rule)) rule.check(result);
  if (!ctx.prompter.interactive) {
    await ctx.prompter.ask(missing.map((value) => question(value, result, rules))); // names every missing flag (exit 2) when there is one
    return result;
  }
  for (const value of missing) {
    result[value.option] = (await ctx.prompter.ask([question(value, result, rules)]))[value.flag];
  }
  return result;
}

/** The question for a missing value: its own rule, then each cross rule the answer completes. */
function question<K extends string>(value: RequiredValue<K>, known: Record<K, string>, rules: CrossRule<K>[]): MissingValue {
  const completed = rules.filter((rule) => rule.options.includes(value.option));
  const validate = promptValidator((answer) => {
    value.parse?.(answer, { field: value.option });
    const values = { ...known, [value.option]: answer };
    for (const rule of completed) if (rule.options.every((option) => option in values)) rule.check(values);
  });
  return { flag: value.flag, message: value.message, validate, choices: value.choices, search: value.search };
}
