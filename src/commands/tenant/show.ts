import { type RunFunction } from '../../cli/command-spec';
import { type TenantAccount } from '../../backend/backend';
import { tenantJson } from '../../output/record-json';
import { localDateTime } from '../../output/terminal-text';

const DAY_MS = 86_400_000;

export const run: RunFunction = async (ctx) => {
  const account = await (await ctx.backend()).tenant.show();
  return {
    json: tenantJson(account),
    human: {
      kind: 'record',
      fields: [
        ['name', account.name],
        ['slug', account.slug],
        ['plan', account.plan],
        ['status', statusText(account)],
        ...(account.status === 'TRIAL' ? [['trial', trialText(account.trialEndsAt, new Date())] as [string, string]] : []),
        ['active employees', usageText(account.usage.employees, account.limits.employees)],
        ['clients', usageText(account.usage.clients, account.limits.clients)],
        ['created', localDateTime(account.createdAt)],
      ],
    },
  };
};

function statusText(account: TenantAccount): string {
  switch (account.status) {
    case 'SUSPENDED':
      return 'SUSPENDED (payments are due: every command but whoami, logout and tenant show is refused)';
    case 'CANCELLED':
      return 'CANCELLED (every command but whoami, logout and tenant show is refused)';
    default:
      return account.status;
  }
}

/** Days left, counted in whole days started; the server's clock decides when the trial ends. */
export function trialText(endsAt: Date | null | undefined, now: Date): string {
  if (!endsAt) return 'no end set';
  const left = Math.ceil((endsAt.getTime() - now.getTime()) / DAY_MS);
  if (left <= 0) return `ended ${localDateTime(endsAt)}: choose a plan`;
  return `${left} day${left === 1 ? '' : 's'} left (ends ${localDateTime(endsAt)})`;
}

/** "3 of 5", or "3 (no limit)". */
function usageText(used: number, limit: number | null | undefined): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return limit === null || limit === undefined ? `${count(used)} (no limit)` : `${count(used)} of ${count(limit)}`;
}
