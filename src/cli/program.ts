import { Command, type CommanderError, Option } from 'commander';
import { CliError, EXIT_CODES, exitCodeFor, usageError } from '../errors/cli-error';
import { Output } from '../output/output';
import { type CommandSpec, GLOBAL_OPTIONS } from './command-spec';
import { type GlobalOptions } from './context';
import { runCommand, type RunEnvironment } from './run-command';

export interface NounSpec {
  name: string;
  summary: string;
}

/**
 * Builds the commander program from the catalog: one commander command per spec, the global
 * options on each (listed once, in the root's --help), examples in every --help, and exit code 2
 * for every parse error.
 */
export function buildProgram(
  nouns: NounSpec[],
  specs: CommandSpec[],
  version: string,
  runtime: RunEnvironment,
  setExitCode: (code: number) => void,
  argv: string[],
): Command {
  const program = new Command('epicevents')
    .description('Epic Events CRM: clients, contracts and events from the terminal')
    .version(version, '-v, --version')
    .helpCommand(false)
    .showSuggestionAfterError(true);
  addGlobalOptions(program);
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => runtime.streams.stdout.write(text),
    writeErr: (text) => runtime.streams.stderr.write(text),
    outputError: (text) => reportParseError(text, runtime, argv),
  });
  program.addHelpText(
    'after',
    `\nExamples:\n  $ epicevents init\n  $ epicevents login --email ada@epic.events\n  $ epicevents client list --mine --json\n\nRun \`epicevents help exit-codes\` for the meaning of each exit code.\n`,
  );

  const groups = new Map<string, Command>();
  for (const noun of nouns) {
    const group = program.command(noun.name).description(noun.summary);
    groups.set(noun.name, group);
  }

  for (const spec of specs) {
    const words = spec.name.split(' ');
    const parent = words.length > 1 ? groups.get(words[0]) : program;
    if (!parent) throw new Error(`command "${spec.name}" has no noun in the catalog`);
    const command = parent.command(`${words[words.length - 1]}${spec.args ? ` ${spec.args}` : ''}`).description(spec.summary);
    for (const option of spec.options ?? []) command.addOption(new Option(option.flags, option.description));
    addGlobalOptions(command, { hidden: true });
    command.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n\n${GLOBAL_OPTIONS_NOTE}\n`);
    command.action(async (...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      const options = self.optsWithGlobals();
      const args = (self.args as string[]).slice(0, self.registeredArguments.length);
      refuseUndecodedArguments(self, options, args);
      setExitCode(await runCommand(spec, { args, options }, globalsOf(options, runtime.env), runtime));
    });
  }

  program
    .command('help [topic...]')
    .description('show help for a command, or `help exit-codes`')
    .action((topic: string[]) => {
      if (topic.join(' ') === 'exit-codes') {
        const json = program.opts().json === true;
        runtime.streams.stdout.write(json ? `${JSON.stringify(EXIT_CODES, null, 2)}\n` : exitCodeTable());
        return;
      }
      let target: Command = program;
      for (const word of topic) {
        const next = target.commands.find((c) => c.name() === word);
        if (!next) throw usageError(`no help topic "${topic.join(' ')}"`, 'run `epicevents --help` for the list of commands');
        target = next;
      }
      target.outputHelp();
    });
  return program;
}

/**
 * Node decodes the command line as UTF-8 and puts U+FFFD where the bytes were not UTF-8 (a
 * Latin-1 `é` from a terminal or a script): what was typed is lost by then, so any value holding
 * U+FFFD is refused (exit 2) naming its flag or argument, rather than stored with it.
 */
function refuseUndecodedArguments(command: Command, options: Record<string, unknown>, args: string[]): void {
  const named: [string, unknown][] = [
    ...command.options.map((option): [string, unknown] => [option.long ?? option.flags, options[option.attributeName()]]),
    ...command.registeredArguments.map((argument, i): [string, unknown] => [`<${argument.name()}>`, args[i]]),
  ];
  for (const [name, value] of named) {
    if (typeof value === 'string' && value.includes('\uFFFD')) {
      throw usageError(`${name} is not valid UTF-8 text: it holds bytes of another encoding (such as Latin-1) or U+FFFD (�)`, 'give the value in UTF-8');
    }
  }
}

/**
 * The global options, on the root and on every command (so that they parse after the verb).
 * A command's --help hides them and points to the root's, which lists them once.
 */
function addGlobalOptions(command: Command, { hidden = false } = {}): void {
  for (const option of GLOBAL_OPTIONS) command.addOption(new Option(option.flags, option.description).hideHelp(hidden));
}

const GLOBAL_OPTIONS_NOTE = 'Global options (--json, --no-color, -y/--yes): see `epicevents --help`.';

function globalsOf(options: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const json = options.json === true;
  return {
    json,
    yes: options.yes === true,
    color: !json && options.color !== false && env.NO_COLOR === undefined && Boolean(process.stdout.isTTY),
  };
}

export function exitCodeTable(): string {
  return `${EXIT_CODES.map((row) => `${String(row.code).padStart(3)}  ${row.meaning}`).join('\n')}\n`;
}

/** `argv` is the one being parsed (main's, not necessarily this process's): --json may not be parsed yet. */
function reportParseError(text: string, runtime: RunEnvironment, argv: string[]): void {
  const message = text.trim().replace(/^error:\s*/, '');
  const json = argv.includes('--json');
  new Output(runtime.streams, { json, color: false }).error(usageError(message, 'see --help for the flags and examples'));
}

/** Maps commander's own outcomes (help shown, version, parse errors) to exit codes. */
export function exitCodeForCommanderError(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
  if (error.code === 'commander.executeSubCommandAsync') return 1;
  return exitCodeFor('usage');
}

export { CliError };
