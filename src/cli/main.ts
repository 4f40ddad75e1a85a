import { type Command, CommanderError } from 'commander';
import { loadDotEnv } from '../config/config';
import { CliError, exitCodeFor } from '../errors/cli-error';
import { Output } from '../output/output';
import { CATALOG, NOUNS } from '../commands/catalog';
import { buildProgram, exitCodeForCommanderError } from './program';
import { type RunEnvironment } from './run-command';
import { type CommandSpec } from './command-spec';
import { flushTelemetry } from '../observability/sentry';
import { scrubSecrets } from '../observability/scrub';

/** Parses argv and runs the command; resolves to the process exit code. */
export async function main(argv: string[], runtime: RunEnvironment): Promise<number> {
  let exitCode = 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('../../../package.json') as { version: string };
  try {
    loadDotEnv();
    const program = buildProgram(NOUNS, specsFor(argv, CATALOG), version, runtime, (code) => (exitCode = code), argv);
    const bare = bareCommand(program, argv);
    if (bare) {
      bare.outputHelp();
      return 0;
    }
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeForCommanderError(error);
    if (error instanceof CliError) {
      new Output(runtime.streams, { json: argv.includes('--json'), color: false }).error(error);
      return exitCodeFor(error.code);
    }
    throw error;
  }
  return exitCode;
}

/**
 * `epicevents` alone, or a noun alone (`epicevents client`), asks what there is: that command's
 * help, on stdout, exit 0 (commander would print it on stderr as an error).
 */
function bareCommand(program: Command, argv: string[]): Command | undefined {
  const words = argv.slice(2);
  if (words.length === 0) return program;
  if (words.length === 1 && NOUNS.some((noun) => noun.name === words[0])) return program.commands.find((c) => c.name() === words[0]);
  return undefined;
}

/**
 * The commands commander must know to parse this argv: the top-level ones and, for `noun …` or
 * `help noun …`, that noun's verbs. `--help` and `help exit-codes` then skip building forty
 * commands they never show (about a fifth of their start-up).
 */
export function specsFor(argv: string[], specs: CommandSpec[]): CommandSpec[] {
  const words = argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const noun = words[0] === 'help' ? words[1] : words[0];
  return specs.filter((spec) => !spec.name.includes(' ') || spec.name.startsWith(`${noun} `));
}

/** Entry point of the binary: runs, flushes telemetry (bounded), lets stdout drain, exits. */
export function runMain(): void {
  // A reader that stops early (`epicevents client list | head`) closes the pipe: not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  const runtime: RunEnvironment = { streams: { stdout: process.stdout, stderr: process.stderr }, stdin: process.stdin, env: process.env };
  main(process.argv, runtime)
    .catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      process.stderr.write(`error: unexpected failure: ${scrubSecrets(text.split('\n')[0], process.env)}\n`);
      return 1;
    })
    .then(async (code) => {
      await flushTelemetry();
      process.stdout.write('', () => process.exit(code));
    });
}
