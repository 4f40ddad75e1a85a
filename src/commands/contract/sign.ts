import { contractJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';

import { parseId } from '../../validation/parse';
import { contractRecordView } from './contract-view';

export const run: RunFunction = async (ctx, { args }) => {
  const id = parseId(args[0], 'contract id');
  const contract = await (await ctx.backend()).contracts.sign(id);
  return { json: contractJson(contract), human: contractRecordView(contract, `signed contract ${contract.id}`) };
};
