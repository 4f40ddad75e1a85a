import { type Role } from '../entities/employee.entity';

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
