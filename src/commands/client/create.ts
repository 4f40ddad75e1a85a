import { type RunFunction } from '../../cli/command-spec';

import { parseEmail, parsePhone, parseText } from '../../validation/parse';
import { promptValidator } from '../shared/flags';
import { requireValues } from '../shared/required-values';
import { clientResult } from './client-view';

export const run: RunFunction = async (ctx, { options }) => {
  const values = await requireValues(ctx, options, [
    { option: 'fullName', flag: '--full-name', message: 'Full name', validate: promptValidator((v) => parseText(v, 'full name', 150)) },
    { option: 'email', flag: '--email', message: 'Email', validate: promptValidator((v) => parseEmail(v)) },
    { option: 'phone', flag: '--phone', message: 'Phone', validate: promptValidator((v) => parsePhone(v)) },
    { option: 'company', flag: '--company', message: 'Company', validate: promptValidator((v) => parseText(v, 'company name', 150)) },
  ]);
  const client = await (await ctx.backend()).clients.create({
    fullName: values.fullName,
    email: values.email,
    phone: values.phone,
    companyName: values.company,
  });
  return clientResult(client, `created client ${client.id} (yours)`);
};
