import { CliError, usageError } from '../errors/cli-error';
import { neutralise } from '../output/terminal-text';
import { fieldWords } from './field-flags';

export interface MissingValue {
  /** The flag that supplies it, e.g. `--email`. */
  flag: string;
  message: string;
  /** Validation shared with the flag: returns an error text or undefined. */
  validate?: (value: string) => string | undefined;
  choices?: Choice[];
  /**
   * A picker over a whole table: the choices matching what has been typed so far (undefined
   * before anything is), asked again at each keystroke. A validation error (a search text too
   * long) is shown at the prompt; any other error ends the command with its own exit code.
   */
  search?: (term: string | undefined) => Promise<Choice[]>;
  secret?: boolean;
}

export interface Choice {
  name: string;
  value: string;
}

export interface Prompter {
  readonly interactive: boolean;
  /** Asks for each missing value on a terminal; elsewhere fails at once naming the flags. */
  ask(missing: MissingValue[]): Promise<Record<string, string>>;
  confirm(message: string): Promise<boolean>;
  /** A new password, typed twice, hidden. */
  newPassword(message: string, validate: (value: string) => string | undefined): Promise<string>;
}

type Inquirer = typeof import('inquirer').default;

/** Exit 2 naming the values a command lacks off a terminal, where nothing can ask for them. */
export function missingFlags(flags: string[]): CliError {
  return usageError(`missing ${flags.join(', ')}`, `pass ${flags.length === 1 ? 'it as a flag' : 'them as flags'} when not running on a terminal`);
}

/**
 * Prompts through inquirer, loaded only when a prompt is actually shown. Every question, choice
 * and validation message goes through `neutralise` here, as tables do in Output: prompts show
 * stored names (pickers, delete confirmations), and a name must not drive the terminal.
 */
export class TerminalPrompter implements Prompter {
  constructor(readonly interactive: boolean) {}

  async ask(missing: MissingValue[]): Promise<Record<string, string>> {
    if (missing.length === 0) return {};
    if (!this.interactive) {
      throw missingFlags(missing.map((m) => m.flag));
    }
    const answers: Record<string, string> = {};
    for (const value of missing) {
      answers[value.flag] = await this.one(value);
    }
    return answers;
  }

  async confirm(message: string): Promise<boolean> {
    if (!this.interactive) throw usageError('--yes is required when not running interactively');
    return guard(async (prompt) => (await prompt([{ type: 'confirm', name: 'ok', message: neutralise(message), default: false }])).ok as boolean);
  }

  async newPassword(message: string, validate: (value: string) => string | undefined): Promise<string> {
    if (!this.interactive) throw usageError('missing --password-stdin', 'pipe the password on stdin when not running on a terminal');
    for (;;) {
      const first = await this.one({ flag: 'password', message, secret: true, validate });
      const second = await this.one({ flag: 'password', message: 'Repeat the password', secret: true });
      if (first === second) return first;
      process.stderr.write('The two passwords differ; try again.\n');
    }
  }

  private one(value: MissingValue): Promise<string> {
    const validate = (input: string) => {
      const problem = value.validate?.(input);
      return problem === undefined ? true : neutralise(problem);
    };
    const message = neutralise(value.message);
    const choices = value.choices?.map((choice) => ({ name: neutralise(choice.name), value: choice.value }));
    const search = value.search;
    return guard(async (prompt, fail) => {
      // inquirer's search ignores the answer of a query once another keystroke has started a newer one.
      const source = async (term: string | undefined, { signal }: { signal: AbortSignal }) => {
        try {
          return (await search!(term)).map((choice) => ({ name: neutralise(choice.name), value: choice.value }));
        } catch (error) {
          if (error instanceof CliError && error.code === 'validation') throw new Error(neutralise(error.render(fieldWords).message), { cause: error });
          if (!signal.aborted) fail(error);
          return [];
        }
      };
      const question = search
        ? { type: 'search', name: 'v', message, source, pageSize: PICKER_PAGE }
        : choices
          ? { type: 'select', name: 'v', message, choices }
          : value.secret
          ? { type: 'password', name: 'v', message, mask: '*', validate }
          : { type: 'input', name: 'v', message, validate };
      const answer = await prompt([question as never]);
      return String((answer as { v: unknown }).v);
    });
  }
}

/** Lines of choices a picker shows at once. */
const PICKER_PAGE = 10;

/**
 * Runs one inquirer prompt: Ctrl-C and Ctrl-D cancel (exit 130). `fail` ends the prompt with an
 * error of its own (a picker whose query failed), which is then thrown instead.
 */
async function guard<T>(ask: (prompt: Inquirer['prompt'], fail: (error: unknown) => void) => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const inquirer = (require('inquirer') as { default: Inquirer }).default;
  const endOfInput = new AbortController();
  const stopOnEndOfInput = onEndOfInput(() => endOfInput.abort());
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    endOfInput.abort();
  };
  try {
    return await ask(inquirer.createPromptModule({ signal: endOfInput.signal }), fail);
  } catch (error) {
    if (failure) throw failure.error;
    if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') {
      throw new CliError('cancelled', 'cancelled');
    }
    throw error;
  } finally {
    stopOnEndOfInput();
  }
}

/**
 * Ctrl-D on an empty line ends the input: readline closes the prompt without an answer and
 * leaves raw mode, and the prompt would otherwise wait forever. That is a cancellation, as
 * Ctrl-C is. The check runs after readline has handled the key, whichever listener came first.
 */
function onEndOfInput(cancel: () => void): () => void {
  const stdin = process.stdin as NodeJS.ReadStream;
  const listener = (_text: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
    if (key?.ctrl && key.name === 'd') setImmediate(() => stdin.isRaw || cancel());
  };
  stdin.on('keypress', listener);
  return () => stdin.removeListener('keypress', listener);
}

/** Reads one line from stdin (for --password-stdin): never from a flag, never echoed. */
export async function readStdinLines(count: number, stdin: NodeJS.ReadableStream = process.stdin): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(Buffer.from(chunk as Buffer));
    if (Buffer.concat(chunks).toString('utf8').split('\n').length > count) break;
  }
  const bytes = Buffer.concat(chunks);
  // Only the lines asked for: what follows them may end in the middle of a character.
  let end = -1;
  for (let line = 0; line < count; line += 1) {
    end = bytes.indexOf(0x0a, end + 1);
    if (end === -1) break;
  }
  let text: string;
  try {
    // Fatal: a byte that is not UTF-8 would otherwise become U+FFFD inside the password.
    text = new TextDecoder('utf-8', { fatal: true }).decode(end === -1 ? bytes : bytes.subarray(0, end + 1));
  } catch {
    throw usageError('stdin is not valid UTF-8 text: it holds bytes of another encoding (such as Latin-1)', 'give the password in UTF-8');
  }
  const lines = text.split(/\r?\n/).slice(0, count);
  if (lines.length < count || lines.some((line) => line.length === 0)) {
    throw usageError(count === 1 ? 'expected a password on stdin' : `expected ${count} lines on stdin`);
  }
  return lines;
}
