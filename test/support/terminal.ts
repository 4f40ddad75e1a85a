import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_JWT_SECRET } from './cli';
import { releaseEmbedded } from './test-database';
import { programRuns } from './programs';

/**
 * Drives the real binary in a real pseudo-terminal (tmux), as a person would: wait for text on
 * the screen, type keys, read the exit code. stdin and stdout are both terminals there, so the
 * CLI prompts.
 */
const BIN = path.resolve(__dirname, '../../bin/epicevents.js');

export const tmuxAvailable = programRuns('tmux', ['-V']);

export interface TerminalSession {
  /** Waits until the screen matches, then returns it. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** tmux key names, literal text or raw bytes, e.g. ['Kevin Casey', 'Enter'], ['Down', 'Enter'] or ['hex:e9'] (a Latin-1 é). */
  send(...keys: string[]): void;
  /** Every byte the command has written to the terminal so far, escape sequences included (what the screen was told, not what it shows). */
  rawOutput(): Buffer;
  /** Waits until the raw output holds `text` (the recorder writes a moment after the screen). */
  waitForRaw(text: string, timeoutMs?: number): Promise<Buffer>;
  /** Waits for the command to end; its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): void;
}

/** The pane's size: 120 columns by 40 lines unless a test needs another. */
export interface PaneSize {
  columns?: number;
  lines?: number;
}

export async function startInTerminal(args: string[], env: Record<string, string>, size: PaneSize = {}): Promise<TerminalSession> {
  // The binary opens the embedded folder itself: the test file lets go of it first.
  await releaseEmbedded();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-tty-'));
  const exitFile = path.join(dir, 'exit');
  const rawFile = path.join(dir, 'raw');
  const goFile = path.join(dir, 'go');
  const script = path.join(dir, 'run.sh');
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(
    script,
    [
      '#!/bin/sh',
      // The command starts once the pane's output is being recorded, so not a byte is missed.
      `while [ ! -e ${quote(goFile)} ]; do sleep 0.05; done`,
      // At a terminal a command would leave the embedded database open in a process of its own
      // (EPICEVENTS_KEEP_OPEN): not here, where the test file opens the same folder next.
      ...Object.entries({ NO_COLOR: '1', EPICEVENTS_KEYCHAIN: 'off', EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET, EPICEVENTS_KEEP_OPEN: '0', ...env }).map(([k, v]) => `export ${k}=${quote(v)}`),
      `${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}`,
      `echo $? > ${quote(exitFile)}`,
      'sleep 30',
    ].join('\n'),
    { mode: 0o700 },
  );
  const socket = path.join(dir, 'tmux.sock');
  const tmux = (...tmuxArgs: string[]) => execFileSync('tmux', ['-S', socket, ...tmuxArgs], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'cli', '-x', String(size.columns ?? 120), '-y', String(size.lines ?? 40), script);
  tmux('pipe-pane', '-o', '-t', 'cli', `cat >> ${quote(rawFile)}`);
  fs.writeFileSync(goFile, '');
  const screen = () => tmux('capture-pane', '-p', '-t', 'cli');
  const rawOutput = () => (fs.existsSync(rawFile) ? fs.readFileSync(rawFile) : Buffer.alloc(0));
  const poll = async <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    waitFor: (pattern, timeoutMs = 15000) => poll(() => (pattern.test(screen()) ? screen() : undefined), timeoutMs, String(pattern)),
    send: (...keys) => {
      for (const key of keys) {
        const bytes = /^hex:([0-9a-f]{2}(?: [0-9a-f]{2})*)$/.exec(key)?.[1];
        if (bytes) tmux('send-keys', '-t', 'cli', '-H', ...bytes.split(' '));
        else if (/^(Enter|Up|Down|Left|Right|Tab|Escape|C-[a-z]|BSpace|Space)$/.test(key)) tmux('send-keys', '-t', 'cli', key);
        else tmux('send-keys', '-t', 'cli', '-l', key);
      }
    },
    rawOutput,
    waitForRaw: (text, timeoutMs = 15000) => poll(() => (rawOutput().includes(text) ? rawOutput() : undefined), timeoutMs, `${JSON.stringify(text)} in the raw output`),
    exitCode: (timeoutMs = 15000) =>
      poll(() => (fs.existsSync(exitFile) && fs.readFileSync(exitFile, 'utf8').trim() !== '' ? Number(fs.readFileSync(exitFile, 'utf8')) : undefined), timeoutMs, 'the command to exit'),
    close: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
