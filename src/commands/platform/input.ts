import { type CommandInput, type ParseContext } from '../../cli/command-spec';
import { missingFlags } from '../../cli/prompter';
import { usageError } from '../../errors/cli-error';
import { parseEmail, parseText } from '../../validation/parse';
import { parsePlan, parseTenantRef, parseTrialDays, type TenantRef } from '../../validation/tenant-fields';
import { type Plan } from '../../domain/plans';
import { flagString } from '../shared/flags';
import { type NewTenantInput, parseNewTenant } from '../shared/new-tenant';

export interface PlatformInitInput {
  email?: string;
  name?: string;
  passwordStdin: boolean;
}

export function parsePlatformInit({ options }: CommandInput, how: ParseContext): PlatformInitInput {
  const email = flagString(options, 'email');
  const name = flagString(options, 'name');
  const passwordStdin = options.passwordStdin === true;
  if (!how.interactive && (email === undefined || !passwordStdin)) throw missingFlags([...(email === undefined ? ['--email'] : []), ...(passwordStdin ? [] : ['--password-stdin'])]);
  return { email: email === undefined ? undefined : parseEmail(email, '--email'), name: name === undefined ? undefined : parseText(name, '--name', 200), passwordStdin };
}

export interface PlatformLoginInput {
  server: string;
  email?: string;
  passwordStdin: boolean;
}

export function parsePlatformLogin({ options }: CommandInput, how: ParseContext): PlatformLoginInput {
  const server = flagString(options, 'server');
  if (server === undefined) throw usageError('missing --server', 'name the server to log in to: --server https://crm.example.com');
  const email = flagString(options, 'email');
  const passwordStdin = options.passwordStdin === true;
  if (!how.interactive && (email === undefined || !passwordStdin)) throw missingFlags([...(email === undefined ? ['--email'] : []), ...(passwordStdin ? [] : ['--password-stdin'])]);
  return { server, email: email === undefined ? undefined : parseEmail(email, '--email'), passwordStdin };
}

export const TENANT_ACTIONS = ['list', 'show', 'create', 'suspend', 'resume', 'cancel', 'plan', 'extend-trial'] as const;
export type TenantAction = (typeof TENANT_ACTIONS)[number];

export type PlatformTenantInput =
  | { action: 'list' }
  | { action: 'show' | 'suspend' | 'resume' | 'cancel'; tenant: TenantRef }
  | { action: 'plan'; tenant: TenantRef; plan: Plan }
  | { action: 'extend-trial'; tenant: TenantRef; days: number }
  | ({ action: 'create' } & NewTenantInput);

/** `platform tenant <action> [tenant] [plan]`: each action's arguments and flags, checked before anything opens. */
export function parsePlatformTenant(input: CommandInput, how: ParseContext): PlatformTenantInput {
  const [action, tenantArg, planArg] = input.args;
  if (!(TENANT_ACTIONS as readonly string[]).includes(action)) {
    throw usageError(`unknown action "${String(action).slice(0, 40)}"`, `one of: ${TENANT_ACTIONS.join(', ')}`);
  }
  const expected = action === 'list' || action === 'create' ? 0 : action === 'plan' ? 2 : 1;
  const given = input.args.filter((arg) => arg !== undefined).length - 1;
  if (given !== expected) {
    const usage: Record<TenantAction, string> = {
      list: 'platform tenant list',
      create: 'platform tenant create --name N --plan P --email E --first-name F --last-name L',
      show: 'platform tenant show SLUG|ID',
      suspend: 'platform tenant suspend SLUG|ID',
      resume: 'platform tenant resume SLUG|ID',
      cancel: 'platform tenant cancel SLUG|ID',
      plan: 'platform tenant plan SLUG|ID PLAN',
      'extend-trial': 'platform tenant extend-trial SLUG|ID --days N',
    };
    throw usageError(`${action} takes ${expected === 0 ? 'no argument' : expected === 1 ? 'one tenant (slug or id)' : 'a tenant and a plan'}`, `usage: epicevents ${usage[action as TenantAction]}`);
  }
  if (action === 'list') return { action };
  if (action === 'create') return { action, ...parseNewTenant(input, how, ['--name', '--plan', '--email', '--first-name', '--last-name']) };
  const tenant = parseTenantRef(tenantArg, '<tenant>');
  if (action === 'plan') return { action, tenant, plan: parsePlan(planArg, '<plan>') };
  if (action === 'extend-trial') {
    const days = flagString(input.options, 'days');
    if (days === undefined) throw usageError('missing --days', 'e.g. --days 7');
    return { action, tenant, days: parseTrialDays(days, '--days') };
  }
  return { action: action as 'show' | 'suspend' | 'resume' | 'cancel', tenant };
}
