import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { contractRecordView } from './contract-view';
import { type IdInput } from './input';

export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const contract = await (await ctx.backend()).contracts.sign(id);
  return { json: contractJson(contract), human: contractRecordView(contract, `signed contract ${contract.id}`) };
};
