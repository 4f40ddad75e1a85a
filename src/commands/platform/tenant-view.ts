import { type CommandResult, type Column, message, tableView } from '../../output/view';

/** A tenant as the API answers it: its JSON shape, printed as it is with --json. */
export interface TenantJson {
  id: number;
  slug: string;
  name: string;
  plan: string;
  status: string;
  trialEndsAt: string | null;
  createdAt: string;
}

export interface CountedTenantJson extends TenantJson {
  employees: number;
  clients: number;
}

export interface CreatedTenantJson {
  tenant: TenantJson;
  employee: { id: number; email: string; firstName: string; lastName: string; role: string; mustChangePassword: boolean };
}

/** `platform stats`: counts only. */
export interface PlatformStatsJson {
  tenants: number;
  byStatus: Record<string, number>;
  byPlan: Record<string, number>;
  perTenant: { id: number; slug: string; employees: number; clients: number }[];
}

const day = (iso: string) => iso.slice(0, 10);

/** `Acme Events (acme-events), TRIAL until 2026-12-17 on STARTER`. */
export function describeTenant(tenant: TenantJson): string {
  const trial = tenant.status === 'TRIAL' && tenant.trialEndsAt ? ` until ${day(tenant.trialEndsAt)}` : '';
  return `${tenant.name} (${tenant.slug}), ${tenant.status}${trial} on ${tenant.plan}`;
}

export const tenantResult = (verb: string, tenant: TenantJson): CommandResult => message(`${verb} ${describeTenant(tenant)}`, tenant);

export function tenantRecord(tenant: CountedTenantJson): CommandResult {
  return {
    json: tenant,
    human: {
      kind: 'record',
      title: `tenant ${tenant.id}`,
      fields: [
        ['slug', tenant.slug],
        ['name', tenant.name],
        ['plan', tenant.plan],
        ['status', tenant.status],
        ['trial ends', tenant.trialEndsAt ?? ''],
        ['created', tenant.createdAt],
        ['employees', String(tenant.employees)],
        ['clients', String(tenant.clients)],
      ],
    },
  };
}

const COLUMNS: Column<CountedTenantJson>[] = [
  { header: 'id', value: (t) => String(t.id), align: 'right' },
  { header: 'slug', value: (t) => t.slug },
  { header: 'name', value: (t) => t.name, flexible: true },
  { header: 'plan', value: (t) => t.plan },
  { header: 'status', value: (t) => t.status },
  { header: 'trial ends', value: (t) => (t.trialEndsAt ? day(t.trialEndsAt) : '') },
  { header: 'employees', value: (t) => String(t.employees), align: 'right' },
  { header: 'clients', value: (t) => String(t.clients), align: 'right' },
];

export const tenantTable = (tenants: CountedTenantJson[]): CommandResult => ({ json: tenants, human: tableView(tenants, COLUMNS, 'no tenants') });
