/** Flag values arrive as unknown from commander; blank means "not given". */
export function asOptionalString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value;
}

/** Adapts a throwing parser to a prompt validator that returns the error text. */
export function validatorFor(parse: (value: string) => unknown): (value: string) => string | undefined {
  return (value) => {
    try {
      parse(value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}
