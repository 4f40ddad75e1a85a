import { type RunFunction } from '../../cli/command-spec';
import { usageError } from '../../errors/cli-error';
import { CATALOG, NOUNS } from '../catalog';
import { completionModel, completionScript, type Shell, SHELLS } from './completion-script';

export const run: RunFunction = async (_ctx, { args }) => {
  const shell = args[0];
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw usageError(`no completion for "${shell.slice(0, 40)}": choose one of ${SHELLS.join(', ')}`, 'e.g. source <(epicevents completion bash)');
  }
  const script = completionScript(shell as Shell, completionModel(NOUNS, CATALOG));
  return { json: { shell, script }, human: { kind: 'text', text: script } };
};
