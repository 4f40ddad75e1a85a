import fs from 'node:fs';
import path from 'node:path';
import { type ExitCodeCounts, type ReliabilityReport, reportFileName } from '../../scripts/reliability-doc';
import { cliMode } from './test-database';

export type { ExitCodeCounts, FaultReport, HostileReport, RaceReport } from '../../scripts/reliability-doc';

/**
 * The hostile-input, race and fault suites each leave a JSON summary of what they tried and what
 * happened in test/reports/ (git-ignored); `npm run docs:reliability` turns them into
 * docs/reliability.md. A run of the `server mode` project writes a file of its own beside the direct one.
 */
export const REPORTS_DIR = path.resolve(__dirname, '../reports');

export function writeReliabilityReport(report: ReliabilityReport): void {
  fs.mkdirSync(REPORTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(REPORTS_DIR, reportFileName(report.suite, cliMode())), `${JSON.stringify(report, null, 2)}\n`);
}

export function countExit(counts: ExitCodeCounts, code: number | null): void {
  const key = code === null ? 'killed' : String(code);
  counts[key] = (counts[key] ?? 0) + 1;
}
