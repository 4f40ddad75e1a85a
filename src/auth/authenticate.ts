import { type CommandContext } from '../cli/context';
import { type Actor } from './actor';

export interface AuthenticateOptions {
  /** `password change`, `logout` and `whoami` still run while a password change is due. */
  allowPendingPasswordChange?: boolean;
}

/**
 * The employee behind the command: from EPICEVENTS_TOKEN or the stored session (refreshed
 * transparently when the access token expired), re-read from the database so the current role
 * and active flag count. Throws exit 3 when nobody is logged in or the session is not valid.
 */
export async function requireActor(_ctx: CommandContext, _options: AuthenticateOptions = {}): Promise<Actor> {
  throw new Error('authentication is being built');
}
