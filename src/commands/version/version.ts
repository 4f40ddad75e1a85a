import { type RunFunction } from '../../cli/command-spec';

/** The version `-v` prints, and with --json `{"version": "…"}`. */
export const run: RunFunction = async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('../../../../package.json') as { version: string };
  return { json: { version }, human: { kind: 'text', text: version } };
};
