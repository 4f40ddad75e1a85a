import { type RunFunction } from '../../cli/command-spec';
import { usageError, validationError } from '../../errors/cli-error';
import { type HumanView } from '../../output/view';
import { preview } from '../../validation/parse';
import { DEFAULT_DEMO_SCALE, MAX_DEMO_SCALE, type SeedProgress, seedDemo } from '../../services/seed.service';
import { flagSet, flagString } from '../shared/flags';

export const run: RunFunction = async (ctx, { options }) => {
  const { scale } = seedFlags(options);
  const db = await ctx.db();
  // A fresh database may be seeded without logging in; once it has employees, the runner asked for a login (login-needed.ts) and only MANAGEMENT may.
  const actor = ctx.caller?.actor ?? null;
  const bar = progressBar(ctx.output.streams.stderr);
  let summary;
  try {
    summary = await seedDemo(db, actor, { scale, onProgress: bar?.update, vacuumAnalyze: (tables) => db.vacuumAnalyze(tables) });
  } finally {
    bar?.done();
  }
  const managers = summary.accounts.filter((a) => a.role === 'MANAGEMENT' && a.isActive).map((a) => a.email);
  const sales = summary.accounts.find((a) => a.role === 'SALES')?.email; // Bill Boquet, the reference examples' salesman
  const support = summary.accounts.find((a) => a.role === 'SUPPORT')?.email;
  const human: HumanView = {
    kind: 'record',
    title: `demo data written in ${summary.seconds.toFixed(1)} s`,
    fields: [
      ['employees', String(summary.employees)],
      ['clients', String(summary.clients)],
      ['contracts', String(summary.contracts)],
      ['events', String(summary.events)],
      ['password', `${summary.password} (every demo account)`],
      ['management', managers.join(', ')],
      ['sales', sales ?? ''],
      ['support', support ?? ''],
      ['next', `epicevents login --email ${managers[0]}`],
    ],
  };
  return {
    human,
    json: {
      employees: summary.employees,
      clients: summary.clients,
      contracts: summary.contracts,
      events: summary.events,
      seconds: Number(summary.seconds.toFixed(3)),
      password: summary.password,
      accounts: summary.accounts.map((a) => ({ id: a.id, email: a.email, role: a.role, isActive: a.isActive })),
    },
  };
};

/** `--demo` (required) and `--scale`: checked before the login too, so a mistyped command says so first. */
export function seedFlags(options: Record<string, unknown>): { scale: number } {
  if (!flagSet(options, 'demo')) throw usageError('db seed writes demo data only: pass --demo', 'epicevents db seed --demo [--scale N]');
  return { scale: parseScale(flagString(options, 'scale')) };
}

function parseScale(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DEMO_SCALE;
  const text = value.trim().replace(/_/g, '');
  if (!/^[0-9]{1,8}$/.test(text) || Number(text) > MAX_DEMO_SCALE) {
    throw validationError(`--scale must be a whole number from 0 to ${MAX_DEMO_SCALE} (got "${preview(value)}")`);
  }
  return Number(text);
}

const PHASES: Record<SeedProgress['phase'], string> = {
  employees: 'employees',
  clients: 'clients',
  contracts: 'contracts',
  events: 'events',
  indexes: 'building search indexes',
  analyze: 'analysing',
};

/** A one-line progress bar on stderr, only for a person watching a terminal. */
function progressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }): { update: (p: SeedProgress) => void; done: () => void } | undefined {
  if (!stream.isTTY) return undefined;
  const started = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update: (p) => {
      const nowMs = Date.now();
      if (nowMs - last < 100 && p.done < p.total && p.phase !== 'analyze') return;
      last = nowMs;
      const ratio = p.total === 0 ? 1 : p.done / p.total;
      const width = 30;
      const filled = Math.round(ratio * width);
      const elapsed = (nowMs - started) / 1000;
      const eta = ratio > 0.02 && ratio < 1 ? ` ~${Math.ceil((elapsed / ratio) * (1 - ratio))} s left` : '';
      stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${PHASES[p.phase]} ${p.done}/${p.total}${eta}`);
      drawn = true;
    },
    done: () => {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
