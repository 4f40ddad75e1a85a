import { type RunFunction } from '../../cli/command-spec';
import { message } from '../../output/view';

/** Ends the login where it is enforced, then removes the local copy. */
export const run: RunFunction = async (ctx) => {
  const loggedOut = await (await ctx.backend()).session.logout();
  return loggedOut ? message('logged out', { loggedOut: true }) : message('not logged in; nothing to do', { loggedOut: false });
};
