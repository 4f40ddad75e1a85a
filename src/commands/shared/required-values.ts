import { type CommandContext } from '../../cli/context';
import { type MissingValue } from '../../cli/prompter';
import { parseId } from '../../validation/parse';
import { promptValidator } from './flags';

export interface RequiredValue<K extends string> {
  /** Key of the option in commander's options object (camelCase), e.g. `fullName`. */
  option: K;
  /** The flag as the user types it, e.g. `--full-name`; named in the error when not on a terminal. */
  flag: string;
  /** The prompt question on a terminal. */
  message: string;
  validate?: (value: string) => string | undefined;
  choices?: { name: string; value: string }[];
  /**
   * For `choices` that list only some of the records (the most recent ones): adds a last choice
   * to type any id instead, then asks this question for it.
   */
  typeAnId?: string;
}

/** The value of the "type its id" choice: no id looks like it. */
const TYPE_AN_ID = 'type-an-id';

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
  if (!ctx.prompter.interactive) {
    await ctx.prompter.ask(missing.map(question)); // names every missing flag (exit 2) when there is one
    return result;
  }
  for (const value of missing) {
    let answer = (await ctx.prompter.ask([question(value)]))[value.flag];
    if (answer === TYPE_AN_ID && value.typeAnId) {
      const typed = { flag: value.flag, message: value.typeAnId, validate: promptValidator((v) => parseId(v, value.flag)) };
      answer = (await ctx.prompter.ask([typed]))[value.flag];
    }
    result[value.option] = answer;
  }
  return result;
}

function question<K extends string>(value: RequiredValue<K>): MissingValue {
  const choices = value.choices && value.typeAnId ? [...value.choices, { name: 'another one: type its id', value: TYPE_AN_ID }] : value.choices;
  return { flag: value.flag, message: value.message, validate: value.validate, choices };
}
