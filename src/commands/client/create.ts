import { type RunFunction } from '../../cli/command-spec';

import { parseClientFullName, parseCompanyName } from '../../validation/client-fields';
import { parseEmail, parsePhone } from '../../validation/parse';
import { requireValues } from '../shared/required-values';
import { clientResult } from './client-view';

export const run: RunFunction = async (ctx, { options }) => {
  const values = await requireValues(ctx, options, [
    { option: 'fullName', flag: '--full-name', message: 'Full name', parse: parseClientFullName },
    { option: 'email', flag: '--email', message: 'Email', parse: parseEmail },
    { option: 'phone', flag: '--phone', message: 'Phone', parse: parsePhone },
    { option: 'company', flag: '--company', message: 'Company', parse: parseCompanyName },
  ]);
  const client = await (await ctx.backend()).clients.create({
    fullName: values.fullName,
    email: values.email,
    phone: values.phone,
    companyName: values.company,
  });
  return clientResult(client, `created client ${client.id} (yours)`);
};
