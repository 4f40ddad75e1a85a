import { type ParseContext } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { type Choice, missingFlags, type MissingValue } from '../../cli/prompter';
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
 * as soon as every value in `options` is known: in the parse step when flags gave them all, else
 * at the prompt of the last one asked, which is then asked again.
 */
export interface CrossRule<K extends string> {
  options: K[];
  /** Throws the service's error when the values break the rule; they have passed their own rules. */
  check: (values: Record<K, string>) => void;
}

/**
 * The parse step's half of required values: those given as flags must pass their rule, and the
 * cross rules whose values the flags all give; off a terminal a missing one is exit 2 naming every
 * missing flag (nothing could ask for it). Pure, so the runner calls it before the caller is
 * resolved or anything is opened.
 */
export function givenValues<K extends string>(
  options: Record<string, unknown>,
  values: RequiredValue<K>[],
  how: ParseContext,
  rules: CrossRule<K>[] = [],
): Partial<Record<K, string>> {
  const missing = values.filter((value) => typeof options[value.option] !== 'string');
  if (!how.interactive && missing.length > 0) throw missingFlags(missing.map((value) => value.flag));
  const given: Partial<Record<K, string>> = {};
  for (const value of values) {
    const text = options[value.option];
    if (typeof text !== 'string') continue;
    value.parse?.(text, value.flag);
    given[value.option] = text;
  }
  for (const rule of rules) if (rule.options.every((option) => given[option] !== undefined)) rule.check(given as Record<K, string>);
  return given;
}

/**
 * The run step's half: the values `givenValues` left missing are asked for, on a terminal (off
 * one, the parse step already stopped the command). Each answer is checked when it is typed (its
 * own rule, then the cross rules it completes), so nothing typed is lost to a late error.
 */
export async function requireValues<K extends string>(
  ctx: CommandContext,
  given: Partial<Record<K, string>>,
  values: RequiredValue<K>[],
  rules: CrossRule<K>[] = [],
): Promise<Record<K, string>> {
  const result = { ...given } as Record<K, string>;
  for (const value of values) {
    if (given[value.option] !== undefined) continue;
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
