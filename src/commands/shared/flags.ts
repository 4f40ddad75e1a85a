import { fieldWords } from '../../cli/field-flags';
import { CliError } from '../../errors/cli-error';
import { parseSearch } from '../../validation/parse';

/** A flag value as commander hands it over: a string when given, otherwise undefined. */
export function flagString(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * `--search <text>` of the lists and exports, checked by the services' own rule in the parse step,
 * so a text no backend would take is exit 2 before anything opens (even logged out).
 */
export function flagSearch(options: Record<string, unknown>): string | undefined {
  const value = flagString(options, 'search');
  return value === undefined ? undefined : parseSearch(value);
}

/** A boolean switch (`--mine`, `--inactive`). */
export function flagSet(options: Record<string, unknown>, key: string): boolean {
  return options[key] === true;
}

/**
 * Adapts a throwing parser (src/validation) to a prompt validator returning the error text: one
 * line, the fields it names in words (no flag was typed at a prompt), then its hint.
 */
export function promptValidator(parse: (value: string) => unknown): (value: string) => string | undefined {
  return (value) => {
    try {
      parse(value);
      return undefined;
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      const { message, hint } = error.render(fieldWords);
      return hint ? `${message}; ${hint}` : message;
    }
  };
}
