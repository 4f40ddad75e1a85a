import { type ParseContext } from '../../cli/command-spec';
import { type CommandContext } from '../../cli/context';
import { missingFlags, type MissingValue } from '../../cli/prompter';
import { parseId } from '../../validation/parse';
import { promptValidator } from './flags';

export interface RequiredValue<K extends string> {
  /** Key of the option in commander's options object (camelCase), e.g. `fullName`. */
  option: K;
  /** The flag as the user types it, e.g. `--full-name`; named in the error when not on a terminal. */
  flag: string;
  /** The prompt question on a terminal. */
  message: string;
  /** The parser (src/validation) a value must pass, given as a flag or typed at the prompt. */
  parse?: (value: string) => unknown;
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
 * The parse step's half of required values: those given as flags must pass their parser, and off
 * a terminal a missing one is exit 2 naming every missing flag (nothing could ask for it).
 * Pure, so the runner calls it before the caller is resolved or anything is opened.
 */
export function givenValues<K extends string>(options: Record<string, unknown>, values: RequiredValue<K>[], how: ParseContext): Partial<Record<K, string>> {
  const missing = values.filter((value) => typeof options[value.option] !== 'string');
  if (!how.interactive && missing.length > 0) throw missingFlags(missing.map((value) => value.flag));
  const given: Partial<Record<K, string>> = {};
  for (const value of values) {
    const text = options[value.option];
    if (typeof text !== 'string') continue;
    value.parse?.(text);
    given[value.option] = text;
  }
  return given;
}

/**
 * The run step's half: the values `givenValues` left missing are asked for, on a terminal (off
 * one, the parse step already stopped the command).
 */
export async function requireValues<K extends string>(ctx: CommandContext, given: Partial<Record<K, string>>, values: RequiredValue<K>[]): Promise<Record<K, string>> {
  const result = { ...given } as Record<K, string>;
  for (const value of values) {
    if (given[value.option] !== undefined) continue;
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
  return { flag: value.flag, message: value.message, validate: value.parse && promptValidator(value.parse), choices };
}
