import { AsyncLocalStorage } from 'node:async_hooks';

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

/** A command is alone in its process: one list. The server's requests each collect their own. */
const processWide: BusinessEvent[] = [];
const perRequest = new AsyncLocalStorage<BusinessEvent[]>();

const pending = (): BusinessEvent[] => perRequest.getStore() ?? processWide;

export function businessEvent(event: BusinessEvent): void {
  pending().push(event);
}

/** Hands over (and forgets) what was recorded since the last call. */
export function takeBusinessEvents(): BusinessEvent[] {
  const events = pending();
  return events.splice(0, events.length);
}

/** Runs one request's work with a list of its own, so parallel requests never report each other's events. */
export function collectingBusinessEvents<T>(work: () => Promise<T>): Promise<T> {
  return perRequest.run([], work);
}
