import { type RunFunction } from '../../cli/command-spec';
import { requireActor } from '../../auth/authenticate';
import { signContract } from '../../services/contract.service';
import { parseId } from '../../validation/parse';
import { contractJson, contractRecordView } from './contract-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'contract id');
  const actor = await requireActor(ctx);
  const contract = await signContract(await ctx.db(), actor, id);
  return { json: contractJson(contract), human: contractRecordView(contract, `Contract ${contract.id} signed`) };
};
