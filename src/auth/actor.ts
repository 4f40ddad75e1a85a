import { type Role } from '../domain/roles';
import { unauthenticated } from '../errors/cli-error';

/** The employee running the command, as the database says now (not as the token said). */
export interface Actor {
  id: number;
  role: Role;
  email: string;
  firstName: string;
  lastName: string;
  mustChangePassword: boolean;
}

export const actorLabel = (actor: Pick<Actor, 'firstName' | 'lastName' | 'email'>): string =>
  `${actor.firstName} ${actor.lastName} <${actor.email}>`;

/** The columns of `employees` an Actor is built from. */
export interface ActorRow {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  role: Role;
  is_active: boolean;
  must_change_password: boolean;
}

export const toActor = (row: ActorRow): Actor => ({
  id: row.id,
  role: row.role,
  email: row.email,
  firstName: row.first_name,
  lastName: row.last_name,
  mustChangePassword: row.must_change_password,
});

/** Until a one-time password is changed, only `password change`, `logout` and `whoami` run. */
export function assertNoPasswordChangeDue(actor: Actor): void {
  if (actor.mustChangePassword) throw unauthenticated('you must change your password before anything else', 'run `epicevents password change`');
}
