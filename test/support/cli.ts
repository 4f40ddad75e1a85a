import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { embeddedLender, releaseEmbedded, serverUrl } from './test-database';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws with the output when it is not one document). */
  json<T = unknown>(): T;
}

export interface CliOptions {
  /** Environment added to the base one (database, home, secret). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, then closed; stdin is never a terminal here. Bytes for what a string cannot hold (not UTF-8). */
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Working directory of the process (where it looks for `.env`). */
  cwd?: string;
  /** Run the real binary as a separate process even on the embedded engine (the test is about the process). */
  process?: boolean;
}

const BIN = path.resolve(__dirname, '../../bin/epicevents.js');
export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

/** A fresh config folder (EPICEVENTS_HOME) for one simulated user. */
export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-home-'));
}

/**
 * The environment of an epicevents process under test: only what it needs, no keychain, no
 * colour, the test secret, then `overrides` (a key set to undefined is left out).
 */
export function processEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    EPICEVENTS_KEYCHAIN: 'off',
    EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET,
    EPICEVENTS_DEBUG: process.env.EPICEVENTS_DEBUG,
    ...overrides,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

/**
 * Runs a command and captures stdout, stderr and the exit code separately: exactly what a user
 * or a script would see. On the embedded engine it runs in this process (inProcess below) unless
 * the test needs the process itself; otherwise the real binary runs as a separate process.
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (runsInProcess(options)) return runInProcess(args, options);
  // The binary opens the embedded folder itself: this process lets go of it first.
  await releaseEmbedded();
  return runProcess(args, options);
}

let processesOnly = false;

/**
 * For a test file whose subject is the process (locks and races between processes, signals,
 * start-up, telemetry, files of the session): every command it runs is the real binary.
 */
export function runCommandsAsProcesses(): void {
  processesOnly = true;
}

/**
 * Whether a command may run in this process: on the embedded engine, where a separate process
 * spends most of its time opening PGlite. A command stays a process when the test is about the
 * process (`process: true`), sets a working directory (`.env`) or a time zone (process-wide), or
 * when EPICEVENTS_TEST_CLI=process asks for processes everywhere.
 */
function runsInProcess(options: CliOptions): boolean {
  if (serverUrl() || processesOnly || process.env.EPICEVENTS_TEST_CLI === 'process') return false;
  return !options.process && !options.cwd && options.env?.TZ === undefined;
}

/**
 * The command's `main` in this process, with its own streams, stdin, environment, and the test
 * file's open embedded database lent to it. What differs from the binary is only what the
 * binary's entry point adds: the exit, the telemetry flush, EPIPE handling.
 */
async function runInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const { main } = await import('../../src/cli/main');
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const streams = { stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)) };
  const stdin = Readable.from([Buffer.from(options.stdin ?? '')]);
  // A process's arguments are text whatever the test passed: an id read back from the embedded
  // engine is a number where pg gives a string (int8), and spawn would have made it text.
  const argv = ['node', 'epicevents', ...args.map(String)];
  const code = await main(argv, { streams, stdin, env: processEnv(options.env), databases: embeddedLender }).catch((error: unknown) => {
    stderr += `error: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`;
    return 1;
  });
  return result(code, stdout, stderr);
}

function result(code: number | null, stdout: string, stderr: string): CliResult {
  return {
    code,
    stdout,
    stderr,
    json<T>() {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`stdout is not one JSON document:\n${stdout}\nstderr: ${stderr}`);
      }
    },
  };
}

/** The real binary as a separate process. */
function runProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const env = processEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`epicevents ${args.join(' ')} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(result(code, stdout, stderr));
    });
    // A command that exits without reading stdin (a refused flag, say) closes the pipe first: the
    // EPIPE of this write is not the command's result, which 'close' reports.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.stdin ?? '');
  });
}
