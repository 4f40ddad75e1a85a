/**
 * docs/reliability.md from the JSON summaries the hostile-input, race and fault suites leave in
 * test/reports/ (`npm run docs:reliability` after a test run). The types are the suites' report
 * format; `renderReliabilityDoc` is the whole page.
 */

/** Exit code → number of runs that ended with it ("killed" for a run that never ended). */
export type ExitCodeCounts = Record<string, number>;

export interface HostileReport {
  suite: 'hostile-input';
  database: 'server' | 'embedded';
  finishedAt: string;
  durationMs: number;
  runs: number;
  /** Exit 1, a stack trace, a hang, a raw control character on the terminal. */
  crashes: number;
  exitCodes: ExitCodeCounts;
  /** Refused (or read-only) runs whose database fingerprint was compared before and after. */
  unchangedChecks: number;
  /** Of those, how many found the database changed: data written or lost by a refusal. */
  changedAfterRefusal: number;
  /** Accepted values read back: text through `show --json`, normalised values from the record the write returned, passwords by logging in. */
  roundTrips: number;
  roundTripMismatches: number;
  byCommand: Record<string, { arguments: string[]; runs: number; exitCodes: ExitCodeCounts }>;
  byClass: Record<string, { values: number; runs: number; exitCodes: ExitCodeCounts }>;
  notes: string[];
}

export interface RaceReport {
  suite: 'races';
  database: 'server';
  finishedAt: string;
  durationMs: number;
  races: { name: string; rounds: number; contenders: number; outcome: string; violations: number }[];
}

export interface FaultReport {
  suite: 'faults';
  database: 'server' | 'embedded';
  finishedAt: string;
  durationMs: number;
  /** `coveredBy`: a fault tested with its feature, in that file, and listed here for the summary. */
  faults: { name: string; runs: number; outcome: string; halfWritten: number; coveredBy?: string }[];
}

export type ReliabilityReport = HostileReport | RaceReport | FaultReport;

export interface ReliabilityReports {
  hostile?: HostileReport;
  races?: RaceReport;
  faults?: FaultReport;
  /** The same suites run again with every command through a real `epicevents serve` (the `server mode` project). */
  hostileThroughServer?: HostileReport;
  racesThroughServer?: RaceReport;
}

/**
 * The file of a suite's report in test/reports/: the `server mode` project's run of a suite has a
 * file of its own, so that it does not overwrite the direct run's.
 */
export function reportFileName(suite: ReliabilityReport['suite'], mode: 'direct' | 'server'): string {
  return mode === 'server' ? `${suite}.server-mode.json` : `${suite}.json`;
}

/** What the campaign, the roles test and the review turned up; the runs above are after the fixes. */
const FIXED_BUGS: [foundBy: string, bug: string][] = [
  ['hostile input', 'emails with BEL, ESC, a right-to-left override or a zero-width space were stored'],
  ['hostile input', '`9999-12-31T23:00-14:00` was stored in the year 10000; an offset of `+09:99` was accepted'],
  ['hostile input (longest values)', 'an employee with the longest names and email could not log in: the audit label overflowed (exit 1)'],
  ['hostile input', '`--json` wrote C1 controls and bidirectional overrides raw'],
  ['database roles test', 'a statement the database role may not run crashed with exit 1 instead of exit 7'],
  ['fault review', 'a malformed `DATABASE_URL`, or TLS refused by the server, crashed with exit 1; error lines could repeat a secret'],
  ['code review, then a race', "a salesperson's payment went through while their client was being handed to someone else"],
];

const EXIT_ORDER = ['0', '2', '3', '4', '5', '6', '7', '1', '130', 'killed'];

function exitCodes(counts: ExitCodeCounts): string {
  const keys = Object.keys(counts).sort((a, b) => rank(a) - rank(b));
  return keys.map((code) => `${code}: ${counts[code]}`).join(', ');
}

function rank(code: string): number {
  const at = EXIT_ORDER.indexOf(code);
  return at < 0 ? EXIT_ORDER.length : at;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';

function hostileSection(report: HostileReport | undefined, throughServer: HostileReport | undefined): string[] {
  if (!report) return ['## Hostile input', '', '_No report: run `test/integration/hostile-input.test.ts`._', ''];
  const commands = Object.entries(report.byCommand).sort(([a], [b]) => a.localeCompare(b));
  const classes = Object.entries(report.byClass).sort(([a], [b]) => a.localeCompare(b));
  return [
    '## Hostile input',
    '',
    `\`test/integration/hostile-input.test.ts\`, ${report.database} database, ${when(report.finishedAt)}, ${seconds(report.durationMs)}.`,
    'Every write command and every id or filter argument received the whole corpus of its class',
    '(`test/support/hostile-values.ts`) through the real binary.',
    '',
    '| | |',
    '| --- | ---: |',
    `| runs | ${report.runs} |`,
    `| crashes (exit 1, stack trace, hang, raw control character on the terminal) | ${report.crashes} |`,
    `| refused or read-only runs whose database was fingerprinted before and after | ${report.unchangedChecks} |`,
    `| … of which left the database changed (data written or lost) | ${report.changedAfterRefusal} |`,
    `| accepted values read back (text: a separate \`show --json\`; normalised values: the record the write returned; passwords: logging in) | ${report.roundTrips} |`,
    `| … of which did not read back byte for byte | ${report.roundTripMismatches} |`,
    '',
    `Exit codes over all runs: ${exitCodes(report.exitCodes)}.`,
    '',
    ...(throughServer
      ? [
          `Through a real \`epicevents serve\` (the \`server mode\` test project), ${when(throughServer.finishedAt)}, ${seconds(throughServer.durationMs)}:`,
          `${throughServer.runs} runs, ${throughServer.crashes} crashes, ${throughServer.changedAfterRefusal} refused runs that changed the database,`,
          `${throughServer.roundTripMismatches} of ${throughServer.roundTrips} accepted values not read back; exit codes ${exitCodes(throughServer.exitCodes)}.`,
          '',
        ]
      : []),
    '### By command',
    '',
    '| command | arguments tried | runs | exit codes |',
    '| --- | --- | ---: | --- |',
    ...commands.map(([name, c]) => `| \`${name}\` | ${c.arguments.map((a) => `\`${a}\``).join(', ')} | ${c.runs} | ${exitCodes(c.exitCodes)} |`),
    '',
    '### By class of value',
    '',
    '| class | distinct values | runs | exit codes |',
    '| --- | ---: | ---: | --- |',
    ...classes.map(([name, c]) => `| ${name} | ${c.values} | ${c.runs} | ${exitCodes(c.exitCodes)} |`),
    '',
    ...report.notes.map((note) => `- ${note}`),
    '',
  ];
}

function raceSection(report: RaceReport | undefined, throughServer: RaceReport | undefined): string[] {
  if (!report) return ['## Races', '', '_No report: `test/integration/races.test.ts` runs on a server only (TEST_DATABASE_URL)._', ''];
  return [
    '## Races',
    '',
    `\`test/integration/races.test.ts\`, ${report.database}, ${when(report.finishedAt)}, ${seconds(report.durationMs)}. Each contender is`,
    'a separate `epicevents` process; where it matters, all of them are held on the same row lock and',
    'released together.',
    ...(throughServer
      ? [
          'The last column is the run through real `epicevents serve` processes (the `server mode` test',
          `project), ${when(throughServer.finishedAt)}, ${seconds(throughServer.durationMs)}; "direct only" marks a race whose subject is direct mode itself.`,
        ]
      : []),
    '',
    `| race | rounds | contenders per round | what must hold | rounds that broke it |${throughServer ? ' … through a server |' : ''}`,
    `| --- | ---: | ---: | --- | ---: |${throughServer ? ' ---: |' : ''}`,
    ...report.races.map((r) => {
      const served = throughServer?.races.find((s) => s.name === r.name);
      const column = throughServer ? ` ${served ? served.violations : 'direct only'} |` : '';
      return `| ${r.name} | ${r.rounds} | ${r.contenders} | ${r.outcome} | ${r.violations} |${column}`;
    }),
    '',
  ];
}

function faultSection(report: FaultReport | undefined): string[] {
  if (!report) return ['## Faults', '', '_No report: run `test/integration/faults.test.ts`._', ''];
  return [
    '## Faults',
    '',
    `\`test/integration/faults.test.ts\`, ${report.database} database, ${when(report.finishedAt)}, ${seconds(report.durationMs)}.`,
    '',
    '| fault | runs | outcome | half-written | tested in |',
    '| --- | ---: | --- | ---: | --- |',
    ...report.faults.map((f) => `| ${f.name} | ${f.runs} | ${f.outcome} | ${f.halfWritten} | ${f.coveredBy ? `\`${f.coveredBy}\`` : '`faults.test.ts`'} |`),
    '',
  ];
}

export function renderReliabilityDoc(reports: ReliabilityReports): string {
  const hostile = reports.hostile;
  const hostileRuns = [hostile, reports.hostileThroughServer];
  const crashes = hostileRuns.reduce((sum, run) => sum + (run?.crashes ?? 0) + (run?.roundTripMismatches ?? 0), 0);
  const lost =
    hostileRuns.reduce((sum, run) => sum + (run?.changedAfterRefusal ?? 0), 0) +
    [reports.races, reports.racesThroughServer].reduce((sum, run) => sum + (run?.races.reduce((total, r) => total + r.violations, 0) ?? 0), 0) +
    (reports.faults?.faults.reduce((sum, f) => sum + f.halfWritten, 0) ?? 0);
  return [
    '# Reliability',
    '',
    '<!-- Generated by `npm run docs:reliability` from test/reports/*.json; do not edit by hand. -->',
    '',
    'What the hostile-input, race and fault suites try against the real binary, and what they found.',
    'The suites fail on any crash or lost write; this page is the record of a run. To regenerate it:',
    "`TEST_DATABASE_URL=postgres://… npm test -- --selectProjects integration 'server mode'` (or the three files alone), then",
    '`npm run docs:reliability`.',
    '',
    '| found | count |',
    '| --- | ---: |',
    `| crashes (exit 1, stack trace, hang, control character on the terminal, value not read back) | ${crashes} |`,
    `| data lost or half-written (a refusal that wrote, a broken race invariant, a fault that left a trace) | ${lost} |`,
    '',
    ...hostileSection(hostile, reports.hostileThroughServer),
    ...raceSection(reports.races, reports.racesThroughServer),
    ...faultSection(reports.faults),
    '## Bugs found while building these suites (all fixed before the run above)',
    '',
    '| found by | bug |',
    '| --- | --- |',
    ...FIXED_BUGS.map(([by, bug]) => `| ${by} | ${bug} |`),
    '',
    'Severities and commits: [security.md](security.md#review-findings).',
    '',
  ].join('\n');
}
