import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
    ...overrides,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

/**
 * Runs the real binary as a separate process and captures stdout, stderr and the exit code
 * separately: exactly what a user or a script would see.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
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
      resolve({
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
      });
    });
    // A command that exits without reading stdin (a refused flag, say) closes the pipe first: the
    // EPIPE of this write is not the command's result, which 'close' reports.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.stdin ?? '');
  });
}
