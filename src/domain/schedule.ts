/** An event's place in time, for the scheduling-conflict check and the support picker. */
export interface ScheduledEvent {
  id: number;
  name: string;
  startAt: Date;
  endAt: Date;
}

/** `2026-06-04 13:00`: messages name instants in UTC, to the minute. */
export const utcMinute = (instant: Date) => instant.toISOString().slice(0, 16).replace('T', ' ');

/** `event 12 "Gala" (2026-06-04 13:00 to 2026-06-05 02:00 UTC)`, for conflicts and the support picker. */
export const describeSlot = (event: ScheduledEvent) => `event ${event.id} "${event.name}" (${utcMinute(event.startAt)} to ${utcMinute(event.endAt)} UTC)`;
