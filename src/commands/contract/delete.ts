import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';
import { confirmDeletion, NOTHING_DELETED } from '../shared/confirm-deletion';
import { type IdInput } from './input';

export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const backend = await ctx.backend();
  const contract = await backend.contracts.show(id);
  if (!(await confirmDeletion(ctx, `contract ${id} of ${contract.clientName} (${contract.totalAmount})`))) return NOTHING_DELETED;
  const deleted = await backend.contracts.delete(id);
  return message(`deleted contract ${id} of ${deleted.clientName}`, { deleted: contractJson(deleted) });
};
