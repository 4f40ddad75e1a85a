import { type CommandSpec } from '../../cli/command-spec';
import { PAGE_OPTIONS } from '../shared/pagination';
import { parseAuditId, parseAuditList } from './input';

export const AUDIT_COMMANDS: CommandSpec[] = [
  {
    name: 'audit list',
    summary: 'the audit trail, newest first: who changed what, when (MANAGEMENT)',
    options: [
      { flags: '--entity <type[:id]>', description: 'only one kind of record (employee, client, contract, event), or one record' },
      { flags: '--actor <employeeId>', description: 'only what this employee did' },
      { flags: '--action <action>', description: 'only one action, e.g. contract.sign or client.update' },
      { flags: '--since <date>', description: 'only entries at or after this ISO 8601 date or date-time' },
      ...PAGE_OPTIONS,
    ],
    examples: [
      'epicevents audit list',
      'epicevents audit list --entity contract:42',
      'epicevents audit list --actor 7 --since 2026-06-01 --json',
      'epicevents audit list --action contract.sign --limit 200',
    ],
    auth: 'session',
    action: 'audit.read',
    parse: parseAuditList,
    load: async () => (await import('./list')).run,
  },
  {
    name: 'audit show',
    summary: 'show one audit entry whole, one line per changed field (MANAGEMENT)',
    args: '<id>',
    examples: ['epicevents audit show 1042', 'epicevents audit show 1042 --json'],
    auth: 'session',
    action: 'audit.read',
    parse: parseAuditId,
    load: async () => (await import('./show')).run,
  },
];
