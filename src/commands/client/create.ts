import { type RunFunction } from '../../cli/command-spec';
import { requireValues } from '../shared/required-values';
import { clientResult } from './client-view';
import { NEW_CLIENT_VALUES, type parseClientCreate } from './input';

export const run: RunFunction<ReturnType<typeof parseClientCreate>> = async (ctx, given) => {
  const values = await requireValues(ctx, given, NEW_CLIENT_VALUES);
  const client = await (await ctx.backend()).clients.create({
    fullName: values.fullName,
    email: values.email,
    phone: values.phone,
    companyName: values.company,
  });
  return clientResult(client, `created client ${client.id} (yours)`);
};
