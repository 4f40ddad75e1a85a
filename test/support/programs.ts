import { execFileSync } from 'node:child_process';

/** Whether `program` is installed here and answers `args` (its version flag): tests that need it are skipped otherwise, and CI requires it. */
export function programRuns(program: string, args: string[]): boolean {
  try {
    execFileSync(program, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
