import { type ClientRecord, type ContractRecord, type EventRecord, type Page, type PageRequest } from '../backend/backend';
import { type CsvValue, csvRecord } from './csv-writer';

/**
 * The CSV exports of `client|contract|event export --csv` and of the API's export routes: the
 * columns of each, and the page-by-page writer both use.
 */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

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

/** Rows fetched per keyset query. */
const EXPORT_PAGE_SIZE = 1000;

/**
 * A whole list as CSV text, one chunk per page of the list service (keyset paging, so the cost per
 * page stays flat and a row added meanwhile never repeats one), each page read only when the
 * previous chunk has been taken. The first page is read before the header is yielded: a refused
 * filter fails before anything is written. `cell` may rewrite each value (for a terminal).
 */
export async function* csvChunks<T>(
  columns: CsvColumn<T>[],
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
  cell: (value: CsvValue) => CsvValue = (value) => value,
): AsyncGenerator<string> {
  let page = await fetchPage({ limit: EXPORT_PAGE_SIZE });
  yield csvRecord(columns.map((c) => c.header));
  for (;;) {
    yield page.items.map((row) => csvRecord(columns.map((c) => cell(c.value(row))))).join('');
    if (page.nextCursor === undefined) return;
    page = await fetchPage({ limit: EXPORT_PAGE_SIZE, cursor: page.nextCursor });
  }
}
