import { type FaultReport, type HostileReport, type RaceReport, renderReliabilityDoc } from '../../scripts/reliability-doc';

const hostile: HostileReport = {
  suite: 'hostile-input',
  database: 'server',
  finishedAt: '2026-11-23T02:00:00.000Z',
  durationMs: 120_000,
  runs: 10,
  crashes: 0,
  exitCodes: { '2': 7, '0': 3 },
  unchangedChecks: 7,
  changedAfterRefusal: 0,
  roundTrips: 3,
  roundTripMismatches: 0,
  byCommand: { 'client create': { arguments: ['--email'], runs: 10, exitCodes: { '2': 7, '0': 3 } } },
  byClass: { email: { values: 10, runs: 10, exitCodes: { '2': 7, '0': 3 } } },
  notes: ['a note'],
};
const races: RaceReport = {
  suite: 'races',
  database: 'server',
  finishedAt: '2026-11-23T02:00:00.000Z',
  durationMs: 60_000,
  races: [{ name: 'contract pay', rounds: 4, contenders: 20, outcome: 'never below zero', violations: 1 }],
};
const faults: FaultReport = {
  suite: 'faults',
  database: 'server',
  finishedAt: '2026-11-23T02:00:00.000Z',
  durationMs: 20_000,
  faults: [{ name: 'Sentry unreachable', runs: 1, outcome: 'exit 0', halfWritten: 0, coveredBy: 'sentry.test.ts' }],
};

describe('renderReliabilityDoc', () => {
  it('should add up crashes and lost data across the suites and list each command, class, race and fault', () => {
    const doc = renderReliabilityDoc({ hostile, races, faults });
    expect(doc).toContain('| crashes (exit 1, stack trace, hang, control character on the terminal, value not read back) | 0 |');
    expect(doc).toContain('| data lost or half-written (a refusal that wrote, a broken race invariant, a fault that left a trace) | 1 |');
    expect(doc).toContain('| `client create` | `--email` | 10 | 0: 3, 2: 7 |');
    expect(doc).toContain('| email | 10 | 10 | 0: 3, 2: 7 |');
    expect(doc).toContain('| contract pay | 4 | 20 | never below zero | 1 |');
    expect(doc).toContain('| Sentry unreachable | 1 | exit 0 | 0 | `sentry.test.ts` |');
  });

  it('should add the runs through a server beside the direct ones, and count what they found', () => {
    const hostileThroughServer = { ...hostile, runs: 12, crashes: 1, exitCodes: { '2': 9, '0': 3 } };
    const racesThroughServer: RaceReport = { ...races, races: [{ ...races.races[0], violations: 2 }] };
    const withEmbedded: RaceReport = { ...races, races: [...races.races, { name: 'embedded folder', rounds: 3, contenders: 4, outcome: 'kept', violations: 0 }] };
    const doc = renderReliabilityDoc({ hostile, races: withEmbedded, faults, hostileThroughServer, racesThroughServer });
    expect(doc).toContain('| crashes (exit 1, stack trace, hang, control character on the terminal, value not read back) | 1 |');
    expect(doc).toContain('| data lost or half-written (a refusal that wrote, a broken race invariant, a fault that left a trace) | 3 |');
    expect(doc).toMatch(/:\n12 runs, 1 crashes, 0 refused runs that changed the database,\n0 of 3 accepted values not read back; exit codes 0: 3, 2: 9\./);
    expect(doc).toContain('| contract pay | 4 | 20 | never below zero | 1 | 2 |');
    expect(doc).toContain('| embedded folder | 3 | 4 | kept | 0 | direct only |');
  });

  it('should say which report is missing when a suite did not run', () => {
    expect(renderReliabilityDoc({ hostile })).toMatch(/_No report: `test\/integration\/races.test.ts` runs on a server only/);
  });
});
