import { type CommandContext } from '../../cli/context';
import { PlatformClient } from '../../client/platform-client';
import { readConfig } from '../../config/config';

/** The platform operator's client for a command: no database setting is read. */
export function platformClient(ctx: CommandContext): PlatformClient {
  return new PlatformClient(readConfig(ctx.env, { database: false }), ctx.env, (text) => ctx.output.warn(text));
}
