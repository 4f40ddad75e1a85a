import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { contractRecordView } from './contract-view';
import { type ContractUpdateInput } from './input';

export const run: RunFunction<ContractUpdateInput> = async (ctx, { id, changes }) => {
  const contract = await (await ctx.backend()).contracts.update(id, changes);
  return { json: contractJson(contract), human: contractRecordView(contract, `updated contract ${contract.id}`) };
};
