import { type RunFunction } from '../../cli/command-spec';

import { parseId } from '../../validation/parse';
import { parseExpectedVersion } from '../shared/expected-version';
import { flagString } from '../shared/flags';
import { employeeResult } from './employee-view';

export const run: RunFunction = async (ctx, { args, options }) => {
  const id = parseId(args[0], 'employee id');
  const employee = await (await ctx.backend()).employees.update(id, {
    firstName: flagString(options, 'firstName'),
    lastName: flagString(options, 'lastName'),
    email: flagString(options, 'email'),
    phone: flagString(options, 'phone'),
    role: flagString(options, 'role'),
    expectedVersion: parseExpectedVersion(options),
  });
  return employeeResult(employee, `updated employee ${id}`);
};
