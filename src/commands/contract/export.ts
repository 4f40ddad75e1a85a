import { type RunFunction } from '../../cli/command-spec';
import { type ContractRecord } from '../../backend/backend';
import { assertCsvFormat, type CsvColumn, streamCsv } from '../shared/csv-export';
import { contractFilters } from './list';

export const CONTRACT_CSV_COLUMNS: CsvColumn<ContractRecord>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'client_id', value: (c) => c.clientId },
  { header: 'client_name', value: (c) => c.clientName },
  { header: 'sales_contact_id', value: (c) => c.salesContactId },
  { header: 'sales_contact_name', value: (c) => c.salesContactName },
  { header: 'total_amount', value: (c) => c.totalAmount },
  { header: 'amount_due', value: (c) => c.amountDue },
  { header: 'is_signed', value: (c) => c.isSigned },
  { header: 'signed_at', value: (c) => c.signedAt },
  { header: 'created_at', value: (c) => c.createdAt },
  { header: 'updated_at', value: (c) => c.updatedAt },
];

export const run: RunFunction = async (ctx, { options }) => {
  assertCsvFormat(ctx, options);
  const filters = contractFilters(options);
  const backend = await ctx.backend();
  return streamCsv(ctx, CONTRACT_CSV_COLUMNS, (page) => backend.contracts.list(filters, page));
};
