import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';
import { platformClient } from './platform-client';

export const run: RunFunction = async (ctx) =>
  (await platformClient(ctx).logout()) ? message('logged out of the platform', { loggedOut: true }) : message('not logged in as a platform operator; nothing to do', { loggedOut: false });
