import { type RunFunction } from '../../cli/command-spec';
import { type ClientRecord } from '../../backend/backend';
import { assertCsvFormat, type CsvColumn, streamCsv } from '../shared/csv-export';
import { clientFilters } from './list';

/** `full_name`, `email`, `phone` and `company_name` are what `client import` reads back. */
export const CLIENT_CSV_COLUMNS: CsvColumn<ClientRecord>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'full_name', value: (c) => c.fullName },
  { header: 'email', value: (c) => c.email },
  { header: 'phone', value: (c) => c.phone },
  { header: 'company_name', value: (c) => c.companyName },
  { header: 'sales_contact_id', value: (c) => c.salesContactId },
  { header: 'sales_contact_name', value: (c) => c.salesContactName },
  { header: 'created_at', value: (c) => c.createdAt },
  { header: 'updated_at', value: (c) => c.updatedAt },
];

export const run: RunFunction = async (ctx, { options }) => {
  assertCsvFormat(ctx, options);
  const filters = clientFilters(options);
  const backend = await ctx.backend();
  return streamCsv(ctx, CLIENT_CSV_COLUMNS, (page) => backend.clients.list(filters, page));
};
