import { type RunFunction } from '../../cli/command-spec';
import { auditJson } from '../../output/record-json';
import { localDateTime } from '../../output/terminal-text';
import { tableView } from '../../output/view';
import { type AuditRecord } from '../../backend/backend';
import { pagedResult } from '../shared/pagination';
import { describeChanges } from './audit-view';
import { type AuditListInput } from './input';

export const run: RunFunction<AuditListInput> = async (ctx, { filters, page }) => {
  const result = await (await ctx.backend()).audit.list(filters, page);
  return pagedResult(
    result,
    auditJson,
    (entries) =>
      tableView<AuditRecord>(
        entries,
        [
          { header: 'id', value: (e) => String(e.id), align: 'right' },
          { header: 'when', value: (e) => localDateTime(e.occurredAt) },
          { header: 'who', value: (e) => e.actorLabel ?? '', flexible: true },
          { header: 'action', value: (e) => e.action },
          { header: 'record', value: (e) => (e.entityId === null ? e.entityType : `${e.entityType} ${e.entityId}`) },
          { header: 'changes', value: (e) => describeChanges(e), flexible: true },
        ],
        'no audit entries match',
      ),
  );
};
