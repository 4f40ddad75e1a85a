import fs from 'node:fs';
import path from 'node:path';
import { type ExitCodeCounts, type ReliabilityReport } from '../../scripts/reliability-doc';

export type { ExitCodeCounts, FaultReport, HostileReport, RaceReport } from '../../scripts/reliability-doc';

/**
 * The hostile-input, race and fault suites each leave a JSON summary of what they tried and what
 * happened in test/reports/ (git-ignored); `npm run docs:reliability` turns them into
 * docs/reliability.md.
 */
export const REPORTS_DIR = path.resolve(__dirname, '../reports');

export function writeReliabilityReport(report: ReliabilityReport): void {
  fs.mkdirSync(REPORTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(REPORTS_DIR, `${report.suite}.json`), `${JSON.stringify(report, null, 2)}\n`);
}

export function countExit(counts: ExitCodeCounts, code: number | null): void {
  const key = code === null ? 'killed' : String(code);
  counts[key] = (counts[key] ?? 0) + 1;
}
