import { type Actor, assertTenantInService, type TenantStanding, toActor } from '../../src/auth/actor';
import { trialText } from '../../src/commands/tenant/show';
import { planLimitMessage } from '../../src/domain/plans';
import { CliError, exitCodeFor } from '../../src/errors/cli-error';
import { assertAllowed } from '../../src/permissions/assert-allowed';

const manager = (tenantStanding?: TenantStanding): Actor => ({
  id: 1,
  role: 'MANAGEMENT',
  email: 'ann@company.example',
  firstName: 'Ann',
  lastName: 'Manager',
  mustChangePassword: false,
  ...(tenantStanding ? { tenantStanding } : {}),
});

/** The exit code and message of what `work` throws (undefined when it does not). */
function refusal(work: () => void): { exit: number; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { exit: exitCodeFor(error.code), message: error.message };
  }
}

describe("the tenant's standing", () => {
  it('should refuse a tenant out of service with exit 4 and the sentence of its state', () => {
    const cases: [TenantStanding, string | undefined][] = [
      [{ plan: 'STARTER', status: 'TRIAL', trialEnded: false }, undefined],
      [{ plan: 'STARTER', status: 'TRIAL', trialEnded: true }, 'the trial has ended: choose a plan'],
      [{ plan: 'STARTER', status: 'ACTIVE', trialEnded: false }, undefined],
      [{ plan: 'STARTER', status: 'SUSPENDED', trialEnded: false }, 'payments are due: the account is suspended'],
      [{ plan: 'STARTER', status: 'CANCELLED', trialEnded: false }, 'the account is cancelled'],
    ];
    for (const [standing, message] of cases) {
      expect([standing, refusal(() => assertTenantInService(manager(standing)))]).toEqual([standing, message ? { exit: 4, message } : undefined]);
    }
    // An actor read without a standing (a schema older than the plans' limits) is not refused.
    expect(refusal(() => assertTenantInService(manager()))).toBeUndefined();
  });

  it("should refuse an action of a module the actor's plan lacks before the role's rule, and nothing without a standing", () => {
    const starter = manager({ plan: 'STARTER', status: 'ACTIVE', trialEnded: false });
    expect(refusal(() => assertAllowed(starter, 'report.read'))).toEqual({ exit: 4, message: 'the STARTER plan does not include reports: PROFESSIONAL and ENTERPRISE do' });
    // SALES may not read the audit trail at all: the plan is said first, as it holds whatever the role.
    expect(refusal(() => assertAllowed({ ...starter, role: 'SALES' }, 'audit.read'))?.message).toBe('the STARTER plan does not include the audit trail: ENTERPRISE does');
    expect(refusal(() => assertAllowed(starter, 'employee.create'))).toBeUndefined();
    expect(refusal(() => assertAllowed(manager(), 'audit.read'))).toBeUndefined();
    expect(refusal(() => assertAllowed(manager({ plan: 'ENTERPRISE', status: 'ACTIVE', trialEnded: false }), 'audit.read'))).toBeUndefined();
  });

  it('should build the standing from the re-read row, and none from a row without it', () => {
    const row = { id: 1, first_name: 'Ann', last_name: 'M', email: 'a@x.example', role: 'MANAGEMENT' as const, is_active: true, must_change_password: false };
    expect(toActor({ ...row, tenant_plan: 'PROFESSIONAL', tenant_status: 'TRIAL', tenant_trial_ended: true }).tenantStanding).toEqual({
      plan: 'PROFESSIONAL',
      status: 'TRIAL',
      trialEnded: true,
    });
    expect(toActor(row).tenantStanding).toBeUndefined();
  });

  it("should count a trial's days left in started days, and say when it has ended", () => {
    const now = new Date('2026-12-03T10:00:00Z');
    expect(trialText(new Date('2026-12-17T10:00:00Z'), now)).toMatch(/^14 days left \(ends /);
    expect(trialText(new Date('2026-12-03T10:00:01Z'), now)).toMatch(/^1 day left /);
    expect(trialText(new Date('2026-12-03T10:00:00Z'), now)).toMatch(/^ended .*: choose a plan$/);
    expect(trialText(null, now)).toBe('no end set');
  });

  it("should word a plan's limits as the database's triggers do", () => {
    expect(planLimitMessage('STARTER', 'employees', 5)).toBe('the STARTER plan allows 5 active employees: deactivate one or choose a larger plan');
    expect(planLimitMessage('PROFESSIONAL', 'clients', 100000)).toBe('the PROFESSIONAL plan allows 100000 clients: delete some or choose a larger plan');
  });
});
