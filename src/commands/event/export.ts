import { type RunFunction } from '../../cli/command-spec';
import { type EventRecord } from '../../backend/backend';
import { assertCsvFormat, type CsvColumn, streamCsv } from '../shared/csv-export';
import { eventFilters } from './list';

export const EVENT_CSV_COLUMNS: CsvColumn<EventRecord>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'name', value: (e) => e.name },
  { header: 'contract_id', value: (e) => e.contractId },
  { header: 'client_id', value: (e) => e.clientId },
  { header: 'client_name', value: (e) => e.clientName },
  { header: 'client_email', value: (e) => e.clientEmail },
  { header: 'client_phone', value: (e) => e.clientPhone },
  { header: 'support_contact_id', value: (e) => e.supportContactId },
  { header: 'support_contact_name', value: (e) => e.supportContactName },
  { header: 'start_at', value: (e) => e.startAt },
  { header: 'end_at', value: (e) => e.endAt },
  { header: 'location', value: (e) => e.location },
  { header: 'attendees', value: (e) => e.attendees },
  { header: 'notes', value: (e) => e.notes },
  { header: 'created_at', value: (e) => e.createdAt },
  { header: 'updated_at', value: (e) => e.updatedAt },
];

export const run: RunFunction = async (ctx, { options }) => {
  assertCsvFormat(ctx, options);
  const filters = eventFilters(options);
  const backend = await ctx.backend();
  return streamCsv(ctx, EVENT_CSV_COLUMNS, (page) => backend.events.list(filters, page));
};
