/**
 * Key business events (employee created, contract signed, …) recorded by services while a command
 * runs. They are sent to Sentry only after the command succeeded, so a rolled-back write never
 * reports something that did not happen.
 */
export interface BusinessEvent {
  /** A sentence a person can read: "contract 42 signed by employee 7". */
  message: string;
  /** Short machine-readable name, e.g. `contract.signed`. */
  name: string;
  /** Record ids and the acting employee's id. */
  tags: Record<string, string | number>;
}

const pending: BusinessEvent[] = [];

export function businessEvent(event: BusinessEvent): void {
  pending.push(event);
}

/** Hands over (and forgets) what was recorded since the last call. */
export function takeBusinessEvents(): BusinessEvent[] {
  return pending.splice(0, pending.length);
}
