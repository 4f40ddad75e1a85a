import { type RunFunction } from '../../cli/command-spec';
import { tableView } from '../../output/view';

export const run: RunFunction = async (ctx) => {
  const db = await ctx.rawDb();
  const migrations = await db.migrationStates();
  const pending = migrations.filter((m) => !m.applied).length;
  return {
    json: { database: db.embedded ? 'embedded' : 'server', migrations, pending },
    human: tableView(
      migrations,
      [
        { header: 'migration', value: (m) => m.name },
        { header: 'state', value: (m) => (m.applied ? 'applied' : 'pending') },
      ],
      'no migrations',
      pending > 0 ? `${pending} pending: run \`epicevents db migrate\`` : `${db.description}: up to date`,
    ),
  };
};
