import { type RunFunction } from '../../cli/command-spec';
import { tableView } from '../../output/view';
import { platformClient } from './platform-client';
import { type PlatformStatsJson as PlatformStats } from './tenant-view';

type Row = PlatformStats['perTenant'][number];

export const run: RunFunction = async (ctx) => {
  const stats = await platformClient(ctx).request<PlatformStats>({ method: 'GET', path: '/v1/platform/stats' });
  const counts = (by: Record<string, number>) => Object.entries(by).map(([key, n]) => `${key} ${n}`).join(', ');
  const footer = `${stats.tenants} tenant${stats.tenants === 1 ? '' : 's'}; by status: ${counts(stats.byStatus)}; by plan: ${counts(stats.byPlan)}`;
  return {
    json: stats,
    human: tableView<Row>(
      stats.perTenant,
      [
        { header: 'id', value: (t) => String(t.id), align: 'right' },
        { header: 'slug', value: (t) => t.slug },
        { header: 'employees', value: (t) => String(t.employees), align: 'right' },
        { header: 'clients', value: (t) => String(t.clients), align: 'right' },
      ],
      'no tenants',
      footer,
    ),
  };
};
