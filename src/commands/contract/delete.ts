import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { message } from '../../output/view';
import { assertAllowed } from '../../permissions/assert-allowed';
import { deleteContract, getContract } from '../../services/contract.service';
import { parseId } from '../../validation/parse';
import { confirmDeletion } from '../shared/confirm-deletion';
import { contractJson } from './contract-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'contract id');
  const actor = await requireActor(ctx);
  assertAllowed(actor, 'contract.delete');
  const db = await ctx.db();
  const contract = await getContract(db, actor, id);
  await confirmDeletion(ctx, `contract ${id} of ${contract.clientName} (${contract.totalAmount})`);
  const deleted = await deleteContract(db, actor, id);
  return message(`Contract ${id} deleted`, { deleted: contractJson(deleted) });
};
