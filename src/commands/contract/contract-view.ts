import { type ContractRecord } from '../../backend/backend';
import { humanTime } from '../../output/json-values';
import { localDateTime } from '../../output/terminal-text';
import { type Column, type HumanView } from '../../output/view';

export function contractRecordView(contract: ContractRecord, title?: string): HumanView {
  return {
    kind: 'record',
    title,
    fields: [
      ['id', String(contract.id)],
      ['client', `${contract.clientName} #${contract.clientId}`],
      ['sales contact', `${contract.salesContactName} #${contract.salesContactId}`],
      ['total', contract.totalAmount],
      ['amount due', contract.amountDue],
      ['signed', contract.isSigned ? `yes, ${humanTime(contract.signedAt)}` : 'no'],
      ['created', humanTime(contract.createdAt)],
      ['updated', humanTime(contract.updatedAt)],
      ['version', String(contract.version)],
    ],
  };
}

export const CONTRACT_COLUMNS: Column<ContractRecord>[] = [
  { header: 'id', value: (c) => String(c.id), align: 'right' },
  { header: 'client', value: (c) => c.clientName, flexible: true },
  { header: 'sales contact', value: (c) => c.salesContactName, flexible: true },
  { header: 'total', value: (c) => c.totalAmount, align: 'right' },
  { header: 'due', value: (c) => c.amountDue, align: 'right' },
  { header: 'signed', value: (c) => (c.isSigned ? localDateTime(c.signedAt).slice(0, 10) : 'no') },
];
