import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';
import { type TenantRef } from '../../validation/tenant-fields';
import { completeNewTenant } from '../shared/new-tenant';
import { type PlatformTenantInput } from './input';
import { platformClient } from './platform-client';
import { type CountedTenantJson, type CreatedTenantJson, describeTenant, tenantRecord, tenantResult, tenantTable, type TenantJson } from './tenant-view';

const path = (ref: TenantRef) => `/v1/platform/tenants/${encodeURIComponent('id' in ref ? String(ref.id) : ref.slug)}`;

export const run: RunFunction<PlatformTenantInput> = async (ctx, input) => {
  const client = platformClient(ctx);
  switch (input.action) {
    case 'list':
      return tenantTable((await client.request<{ items: CountedTenantJson[] }>({ method: 'GET', path: '/v1/platform/tenants' })).items);
    case 'show':
      return tenantRecord(await client.request<CountedTenantJson>({ method: 'GET', path: path(input.tenant) }));
    case 'create': {
      const { values, password } = await completeNewTenant(ctx, input);
      const created = await client.request<CreatedTenantJson>({
        method: 'POST',
        path: '/v1/platform/tenants',
        json: { name: values['--name'], plan: values['--plan'], email: values['--email'], firstName: values['--first-name'], lastName: values['--last-name'], password },
      });
      const { tenant, employee } = created;
      return message(`created ${describeTenant(tenant)} with its manager ${employee.email}; they log in with: epicevents login --server URL --tenant ${tenant.slug}`, created);
    }
    case 'suspend':
    case 'resume':
    case 'cancel': {
      const tenant = await client.request<TenantJson>({ method: 'POST', path: `${path(input.tenant)}/${input.action}` });
      return tenantResult({ suspend: 'suspended', resume: 'resumed', cancel: 'cancelled' }[input.action], tenant);
    }
    case 'plan':
      return tenantResult('changed the plan of', await client.request<TenantJson>({ method: 'POST', path: `${path(input.tenant)}/plan`, json: { plan: input.plan } }));
    case 'extend-trial':
      return tenantResult('extended the trial of', await client.request<TenantJson>({ method: 'POST', path: `${path(input.tenant)}/extend-trial`, json: { days: input.days } }));
  }
};
