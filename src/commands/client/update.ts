import { type RunFunction } from '../../cli/command-spec';

import { parseId } from '../../validation/parse';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagString } from '../shared/flags';
import { clientResult } from './client-view';

export const run: RunFunction = async (ctx, { args, options }) => {
  const id = parseId(args[0], 'client id');
  const changes = {
    fullName: flagString(options, 'fullName'),
    email: flagString(options, 'email'),
    phone: flagString(options, 'phone'),
    companyName: flagString(options, 'company'),
    salesContactId: options.sales === undefined ? undefined : parseId(options.sales, '--sales'),
    expectedVersion: parseExpectedVersion(options),
  };
  return clientResult(await (await ctx.backend()).clients.update(id, changes), `updated client ${id}`);
};
