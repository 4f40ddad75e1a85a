import { CommanderError } from 'commander';
import { loadDotEnv } from '../config/config';
import { CliError, exitCodeFor } from '../errors/cli-error';
import { Output } from '../output/output';
import { CATALOG, NOUNS } from '../commands/catalog';
import { buildProgram, exitCodeForCommanderError } from './program';
import { type RunEnvironment } from './run-command';
import { flushTelemetry } from '../observability/sentry';

/** Parses argv and runs the command; resolves to the process exit code. */
export async function main(argv: string[], runtime: RunEnvironment): Promise<number> {
  loadDotEnv();
  let exitCode = 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('../../../package.json') as { version: string };
  const program = buildProgram(NOUNS, CATALOG, version, runtime, (code) => (exitCode = code));
  try {
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

/** Entry point of the binary: runs, flushes telemetry (bounded), lets stdout drain, exits. */
export function runMain(): void {
  const runtime: RunEnvironment = { streams: { stdout: process.stdout, stderr: process.stderr }, stdin: process.stdin, env: process.env };
  main(process.argv, runtime)
    .catch((error: unknown) => {
      process.stderr.write(`error: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    })
    .then(async (code) => {
      await flushTelemetry();
      process.stdout.write('', () => process.exit(code));
    });
}
