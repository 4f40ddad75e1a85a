import { type EventRecord } from '../../backend/backend';
import { humanTime } from '../../output/json-values';
import { localDateTime } from '../../output/terminal-text';
import { type Column, type HumanView } from '../../output/view';

export function eventRecordView(event: EventRecord, title?: string): HumanView {
  return {
    kind: 'record',
    title,
    fields: [
      ['id', String(event.id)],
      ['name', event.name],
      ['contract', `#${event.contractId}`],
      ['client', `${event.clientName} #${event.clientId}`],
      ['client email', event.clientEmail],
      ['client phone', event.clientPhone],
      ['support', event.supportContactId === null ? 'none yet' : `${event.supportContactName} #${event.supportContactId}`],
      ['start', humanTime(event.startAt)],
      ['end', humanTime(event.endAt)],
      ['location', event.location],
      ['attendees', String(event.attendees)],
      ['notes', event.notes],
      ['updated', humanTime(event.updatedAt)],
      ['version', String(event.version)],
    ],
  };
}

export const EVENT_COLUMNS: Column<EventRecord>[] = [
  { header: 'id', value: (e) => String(e.id), align: 'right' },
  { header: 'name', value: (e) => e.name, flexible: true },
  { header: 'client', value: (e) => e.clientName, flexible: true },
  { header: 'start', value: (e) => localDateTime(e.startAt) },
  { header: 'support', value: (e) => e.supportContactName ?? '-', flexible: true },
  { header: 'guests', value: (e) => String(e.attendees), align: 'right' },
];
