import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Real file-system faults for the tests: a full disk (a small tmpfs) and a read-only folder (a
 * read-only bind mount). Mounting needs root, as in CI; permission bits alone do not stop root.
 */
export const isRoot = process.getuid?.() === 0;

let canMount: boolean | undefined;

/** Whether this process may mount (root with the right to mount, as in CI); checked once. */
export function mountsAvailable(): boolean {
  if (canMount === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-mount-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
      execFileSync('umount', [dir], { stdio: 'ignore' });
      canMount = true;
    } catch {
      canMount = false;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return canMount;
}

/** A tmpfs of `size` (`64k`, `96m`) on `dir`, private to its owner (0700). */
export function mountTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir]);
}

/** Fills the file system that holds `dir` with `dir/filler` until it is full; returns the filler's path. */
export function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

/**
 * Makes `dir` read-only until the returned function is called: a read-only bind mount as root,
 * mode 0500 otherwise. Undefined when neither works (root without the right to mount).
 */
export function makeReadOnly(dir: string): (() => void) | undefined {
  if (!isRoot) {
    const mode = fs.statSync(dir).mode & 0o7777;
    fs.chmodSync(dir, 0o500);
    return () => fs.chmodSync(dir, mode);
  }
  if (!mountsAvailable()) return undefined;
  execFileSync('mount', ['--bind', dir, dir]);
  execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
  return () => unmount(dir);
}

/** Every path under `dir` (files and folders), sorted: what a command left behind. */
export function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}
