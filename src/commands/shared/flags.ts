/** A flag value as commander hands it over: a string when given, otherwise undefined. */
export function flagString(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean switch (`--mine`, `--inactive`). */
export function flagSet(options: Record<string, unknown>, key: string): boolean {
  return options[key] === true;
}

/** Adapts a throwing parser (src/validation/parse.ts) to a prompt validator returning the error text. */
export function promptValidator(parse: (value: string) => unknown): (value: string) => string | undefined {
  return (value) => {
    try {
      parse(value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}
