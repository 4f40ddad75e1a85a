import { type CommandSpec } from '../../cli/command-spec';
import { EXPECTED_VERSION_OPTION } from '../shared/expected-version';
import { CSV_OPTION } from '../shared/csv-export';
import { PAGE_OPTIONS } from '../shared/pagination';
import { assertConfirmable } from '../shared/confirm-deletion';
import { parseContractCreate, parseContractExport, parseContractId, parseContractList, parseContractPay, parseContractUpdate } from './input';

/** The filters of `contract list`, which `contract export` takes too. */
const LIST_FILTERS = [
  { flags: '--mine', description: 'only contracts of the clients you own (SALES)' },
  { flags: '--client <id>', description: 'only contracts of this client' },
  { flags: '--unsigned', description: 'only contracts not signed yet' },
  { flags: '--signed', description: 'only signed contracts' },
  { flags: '--unpaid', description: 'only contracts with an amount still due' },
  { flags: '--search <text>', description: "case-insensitive text in the client's full name, email or company" },
];

export const CONTRACT_COMMANDS: CommandSpec[] = [
  {
    name: 'contract list',
    summary: "list contracts, filtered by client, signature, unpaid amount or a text in the client's details",
    options: [...LIST_FILTERS, ...PAGE_OPTIONS],
    examples: [
      'epicevents contract list --mine --unsigned',
      'epicevents contract list --signed --unpaid --json',
      'epicevents contract list --client 12 --limit 20',
      'epicevents contract list --search "startup" --unpaid',
    ],
    auth: 'session',
    action: 'contract.read',
    parse: parseContractList,
    load: async () => (await import('./list')).run,
  },
  {
    name: 'contract show',
    summary: 'show one contract',
    args: '<id>',
    examples: ['epicevents contract show 346', 'epicevents contract show 346 --json'],
    auth: 'session',
    action: 'contract.read',
    parse: parseContractId,
    load: async () => (await import('./show')).run,
  },
  {
    name: 'contract create',
    summary: "create a contract (MANAGEMENT); its sales contact is the client's owner",
    options: [
      { flags: '--client <id>', description: 'the client' },
      { flags: '--total <amount>', description: 'total amount, e.g. 1500 or 1500.50' },
      { flags: '--amount-due <amount>', description: 'amount still due (default: the total)' },
      { flags: '--signed', description: 'the contract is already signed (counts as a signature)' },
    ],
    examples: [
      'epicevents contract create --client 12 --total 15000',
      'epicevents contract create --client 12 --total 15000 --amount-due 10000 --signed',
      'epicevents contract create',
    ],
    auth: 'session',
    action: 'contract.create',
    parse: parseContractCreate,
    load: async () => (await import('./create')).run,
  },
  {
    name: 'contract update',
    summary: 'change the total or the amount due (a new total alone keeps what was already paid)',
    args: '<id>',
    options: [
      { flags: '--total <amount>', description: 'new total amount' },
      { flags: '--amount-due <amount>', description: 'new amount due (at most the total)' },
      EXPECTED_VERSION_OPTION,
    ],
    examples: [
      'epicevents contract update 346 --total 18000',
      'epicevents contract update 346 --total 18000 --amount-due 9000',
      'epicevents contract update 346 --amount-due 0 --expected-version 3 --json',
    ],
    auth: 'session',
    action: 'contract.update',
    parse: parseContractUpdate,
    load: async () => (await import('./update')).run,
  },
  {
    name: 'contract sign',
    summary: 'record the signature of a contract (it cannot be unsigned)',
    args: '<id>',
    examples: ['epicevents contract sign 346', 'epicevents contract sign 346 --json'],
    auth: 'session',
    action: 'contract.update',
    parse: parseContractId,
    load: async () => (await import('./sign')).run,
  },
  {
    name: 'contract pay',
    summary: 'record a payment: the amount due goes down, never below zero',
    args: '<id>',
    options: [{ flags: '--amount <amount>', description: 'amount paid, e.g. 500 or 499.99' }],
    examples: ['epicevents contract pay 346 --amount 5000', 'epicevents contract pay 346 --amount 499.99 --json'],
    auth: 'session',
    action: 'contract.update',
    parse: parseContractPay,
    load: async () => (await import('./pay')).run,
  },
  {
    name: 'contract delete',
    summary: 'delete an unsigned contract without events (MANAGEMENT)',
    args: '<id>',
    examples: ['epicevents contract delete 346', 'epicevents contract delete 346 --yes --json'],
    auth: 'session',
    action: 'contract.delete',
    parse: (input, how) => {
      const parsed = parseContractId(input);
      assertConfirmable(how);
      return parsed;
    },
    load: async () => (await import('./delete')).run,
  },
  {
    name: 'contract export',
    summary: 'write contracts as CSV on stdout, with the filters of contract list',
    options: [...LIST_FILTERS, CSV_OPTION],
    examples: ['epicevents contract export --csv > contracts.csv', 'epicevents contract export --signed --unpaid --csv', 'epicevents contract export --mine --unsigned --csv > pipeline.csv'],
    auth: 'session',
    action: 'csv.export',
    parse: parseContractExport,
    load: async () => (await import('./export')).run,
  },
];
