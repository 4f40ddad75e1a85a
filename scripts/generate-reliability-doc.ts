import fs from 'node:fs';
import path from 'node:path';
import { type FaultReport, type HostileReport, type RaceReport, type ReliabilityReport, type ReliabilityReports, renderReliabilityDoc, reportFileName } from './reliability-doc';
import { projectRoot } from './project-root';

/** Writes docs/reliability.md from test/reports/*.json (`npm run docs:reliability`, after the suites ran). */

function readReport<T>(dir: string, suite: ReliabilityReport['suite'], mode: 'direct' | 'server' = 'direct'): T | undefined {
  const file = path.join(dir, reportFileName(suite, mode));
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined;
}

const root = projectRoot(__dirname);
const reportsDir = path.join(root, 'test', 'reports');
const reports: ReliabilityReports = {
  hostile: readReport<HostileReport>(reportsDir, 'hostile-input'),
  races: readReport<RaceReport>(reportsDir, 'races'),
  faults: readReport<FaultReport>(reportsDir, 'faults'),
  hostileThroughServer: readReport<HostileReport>(reportsDir, 'hostile-input', 'server'),
  racesThroughServer: readReport<RaceReport>(reportsDir, 'races', 'server'),
};
if (!reports.hostile && !reports.races && !reports.faults) {
  process.stderr.write(`no reports in ${path.relative(process.cwd(), reportsDir) || reportsDir}: run the hostile-input, races and faults suites first\n`);
  process.exit(1);
}
const target = path.join(root, 'docs', 'reliability.md');
fs.writeFileSync(target, renderReliabilityDoc(reports));
process.stdout.write(`wrote ${path.relative(process.cwd(), target) || target}\n`);
