import { humanTime } from '../../output/json-values';
import { clientJson } from '../../output/record-json';
import { type CommandResult, type HumanView, tableView } from '../../output/view';
import { type ClientRecord } from '../../backend/backend';

export function clientFields(client: ClientRecord): [string, string][] {
  return [
    ['id', String(client.id)],
    ['full name', client.fullName],
    ['email', client.email],
    ['phone', client.phone],
    ['company', client.companyName],
    ['sales contact', `${client.salesContactName} #${client.salesContactId}`],
    ['first contact', humanTime(client.createdAt)],
    ['last update', humanTime(client.updatedAt)],
    ['version', String(client.version)],
  ];
}

/** One client: the record on a terminal, the documented JSON object with --json. */
export function clientResult(client: ClientRecord, title?: string): CommandResult {
  return { json: clientJson(client), human: { kind: 'record', fields: clientFields(client), title } };
}

export function clientTable(clients: ClientRecord[]): HumanView {
  return tableView(
    clients,
    [
      { header: 'id', value: (c) => String(c.id), align: 'right' },
      { header: 'full name', value: (c) => c.fullName, flexible: true },
      { header: 'email', value: (c) => c.email, flexible: true },
      { header: 'phone', value: (c) => c.phone },
      { header: 'company', value: (c) => c.companyName, flexible: true },
      { header: 'sales contact', value: (c) => c.salesContactName, flexible: true },
    ],
    'no clients match',
  );
}
