import { type OptionSpec } from '../../cli/command-spec';
import { parseId } from '../../validation/parse';

/**
 * For scripts: refuse an update unless the record is still at the version the script read
 * (`version` in the --json output). Without it, the version read inside the command is used.
 */
export const EXPECTED_VERSION_OPTION: OptionSpec = {
  flags: '--expected-version <n>',
  description: 'refuse the update (exit 6) unless the record is still at this version',
};

export function parseExpectedVersion(options: Record<string, unknown>): number | undefined {
  return options.expectedVersion === undefined ? undefined : parseId(options.expectedVersion, '--expected-version');
}
