import { type RunFunction } from '../../cli/command-spec';
import { ServerConnection } from '../../client/connection';
import { chooseServer } from '../../client/server-choice';
import { readConfig } from '../../config/config';
import { usageError } from '../../errors/cli-error';
import { message } from '../../output/view';
import { type CreatedTenantJson, describeTenant } from '../platform/tenant-view';
import { completeNewTenant, type NewTenantInput } from '../shared/new-tenant';

/**
 * Signs a company up on the server (POST /v1/signup), then logs in to its new tenant with the same
 * password, as `login --server URL --tenant SLUG` does: the session is kept for that server and
 * tenant, and the next commands go there.
 */
export const run: RunFunction<NewTenantInput & { server?: string }> = async (ctx, input) => {
  const server = await chooseServer(ctx.env, input.server);
  if (!server || server.source === 'embedded') {
    server?.connection?.destroy();
    throw usageError('signup goes to an epicevents server: give --server URL (or set EPICEVENTS_SERVER)', 'a server takes sign-ups when started with `epicevents serve --allow-signup`');
  }
  const { values, password } = await completeNewTenant(ctx, input);
  const connection = new ServerConnection(server.address);
  let created: CreatedTenantJson;
  try {
    created = await connection.json<CreatedTenantJson>({
      method: 'POST',
      path: '/v1/signup',
      json: { company: values['--company'], email: values['--email'], firstName: values['--first-name'], lastName: values['--last-name'], plan: values['--plan'], password },
    });
  } finally {
    connection.close();
  }

  const { HttpBackend } = await import('../../backend/http');
  const backend = new HttpBackend({ server: { address: server.address, source: 'login', tenant: created.tenant.slug }, config: readConfig(ctx.env, { database: false }), warn: (text) => ctx.output.warn(text) });
  try {
    await backend.session.login(created.employee.email, password, { keep: true });
  } finally {
    backend.close();
  }
  const { tenant, employee } = created;
  return message(
    `signed up ${describeTenant(tenant)}; logged in as ${employee.firstName} ${employee.lastName} <${employee.email}> (MANAGEMENT). Colleagues log in with: epicevents login --server ${server.address.origin} --tenant ${tenant.slug}`,
    created,
  );
};
