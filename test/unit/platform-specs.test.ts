import { type CommandInput, type ParseContext } from '../../src/cli/command-spec';
import { CATALOG } from '../../src/commands/catalog';
import { PLATFORM_COMMANDS } from '../../src/commands/platform';
import { parsePlatformTenant } from '../../src/commands/platform/input';
import { SIGNUP_COMMANDS } from '../../src/commands/signup';
import { type CliError } from '../../src/errors/cli-error';
import { parsePlan, parseTenantRef, parseTrialDays } from '../../src/validation/tenant-fields';

const offTerminal: ParseContext = { globals: { json: false, color: false, yes: false }, interactive: false };
const input = (args: (string | undefined)[], options: Record<string, unknown> = {}): CommandInput => ({ args: args as string[], options });

function refusal(call: () => unknown): { code: string; message: string } | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    return { code: (error as CliError).code, message: (error as CliError).message };
  }
}

describe.each([...SIGNUP_COMMANDS, ...PLATFORM_COMMANDS].map((spec) => [spec.name, spec] as const))('%s', (name, spec) => {
  it('should be in the catalog, with examples of this very command', () => {
    expect(CATALOG).toContain(spec);
    for (const example of spec.examples) expect(example).toContain(`epicevents ${name}`);
  });

  it('should load a run function lazily', async () => {
    expect(typeof (await spec.load())).toBe('function');
  });
});

describe('the tenant fields', () => {
  it('should read a tenant as its id when it is digits, else as a slug', () => {
    expect(parseTenantRef('12', '<tenant>')).toEqual({ id: 12 });
    expect(parseTenantRef('acme-events', '<tenant>')).toEqual({ slug: 'acme-events' });
    expect(refusal(() => parseTenantRef('Acme Events', '<tenant>'))).toMatchObject({ code: 'validation', message: expect.stringMatching(/slug or id/) });
    expect(refusal(() => parseTenantRef('0', '<tenant>'))?.code).toBe('validation');
  });

  it('should take a plan in any case and refuse another name, listing the plans', () => {
    expect(parsePlan('professional', '--plan')).toBe('PROFESSIONAL');
    expect(refusal(() => parsePlan('GOLD', '--plan'))?.message).toMatch(/must be one of STARTER, PROFESSIONAL, ENTERPRISE/);
  });

  it('should take 1 to 365 days', () => {
    expect(parseTrialDays('7', '--days')).toBe(7);
    for (const bad of ['0', '366', '-1', 'a week']) expect(refusal(() => parseTrialDays(bad, '--days'))?.code).toBe('validation');
  });
});

describe('platform tenant <action>', () => {
  it('should make each action its own input', () => {
    expect(parsePlatformTenant(input(['list', undefined, undefined]), offTerminal)).toEqual({ action: 'list' });
    expect(parsePlatformTenant(input(['suspend', 'acme', undefined]), offTerminal)).toEqual({ action: 'suspend', tenant: { slug: 'acme' } });
    expect(parsePlatformTenant(input(['plan', '3', 'enterprise']), offTerminal)).toEqual({ action: 'plan', tenant: { id: 3 }, plan: 'ENTERPRISE' });
    expect(parsePlatformTenant(input(['extend-trial', 'acme', undefined], { days: '7' }), offTerminal)).toEqual({ action: 'extend-trial', tenant: { slug: 'acme' }, days: 7 });
  });

  it.each<[string, (string | undefined)[], Record<string, unknown>, RegExp]>([
    ['an unknown action', ['delete', 'acme', undefined], {}, /unknown action "delete"/],
    ['a missing tenant', ['show', undefined, undefined], {}, /show takes one tenant/],
    ['an argument too many', ['list', 'acme', undefined], {}, /list takes no argument/],
    ['a plan without its tenant', ['plan', 'ENTERPRISE', undefined], {}, /plan takes a tenant and a plan/],
    ['extend-trial without --days', ['extend-trial', 'acme', undefined], {}, /missing --days/],
    ['create without its flags off a terminal', ['create', undefined, undefined], { name: 'Acme' }, /missing --plan, --email, --first-name, --last-name, --password-stdin/],
  ])('should refuse %s as usage (exit 2) before anything opens', (_name, args, options, message) => {
    const error = refusal(() => parsePlatformTenant(input(args, options), offTerminal));
    expect(error?.code === 'usage' || error?.code === 'validation').toBe(true);
    expect(error?.message).toMatch(message);
  });
});
