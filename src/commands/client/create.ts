import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { assertAllowed } from '../../permissions/assert-allowed';
import { createClient } from '../../services/client.service';
import { parseEmail, parsePhone, parseText } from '../../validation/parse';
import { promptValidator } from '../shared/flags';
import { requireValues } from '../shared/required-values';
import { clientResult } from './client-view';

export const run: RunFunction = async (ctx, { options }) => {
  const actor = await requireActor(ctx);
  assertAllowed(actor, 'client.create'); // before any question: a refused caller is not asked anything
  const values = await requireValues(ctx, options, [
    { option: 'fullName', flag: '--full-name', message: 'Full name', validate: promptValidator((v) => parseText(v, 'full name', 150)) },
    { option: 'email', flag: '--email', message: 'Email', validate: promptValidator((v) => parseEmail(v)) },
    { option: 'phone', flag: '--phone', message: 'Phone', validate: promptValidator((v) => parsePhone(v)) },
    { option: 'company', flag: '--company', message: 'Company', validate: promptValidator((v) => parseText(v, 'company name', 150)) },
  ]);
  const client = await createClient(await ctx.db(), actor, {
    fullName: values.fullName,
    email: values.email,
    phone: values.phone,
    companyName: values.company,
  });
  return clientResult(client, `created client ${client.id} (yours)`);
};
