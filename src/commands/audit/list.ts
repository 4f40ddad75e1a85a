import { type RunFunction } from '../../cli/command-spec';
import { validationError } from '../../errors/cli-error';
import { auditJson } from '../../output/record-json';
import { localDateTime } from '../../output/terminal-text';
import { tableView } from '../../output/view';
import { type AuditFilters, type AuditRecord } from '../../backend/backend';
import { parseDateTime, parseId, parseText } from '../../validation/parse';
import { flagString } from '../shared/flags';
import { pagedResult, parsePageRequest } from '../shared/pagination';
import { describeChanges } from './audit-view';

// Logins and logouts are entries about the employee (actions session.login, session.logout).
const ENTITY_TYPES = ['employee', 'client', 'contract', 'event'];

export const run: RunFunction = async (ctx, { options }) => {
  const filters: AuditFilters = { ...parseEntity(flagString(options, 'entity')) };
  if (options.actor !== undefined) filters.actorId = parseId(options.actor, '--actor');
  const action = flagString(options, 'action');
  if (action !== undefined) filters.action = parseText(action, '--action', 40);
  const since = flagString(options, 'since');
  if (since !== undefined) filters.since = parseDateTime(since, '--since');
  const page = parsePageRequest(options);
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

/** `--entity client` or `--entity client:5`. */
function parseEntity(value: string | undefined): Pick<AuditFilters, 'entityType' | 'entityId'> {
  if (value === undefined) return {};
  const [type, id, extra] = value.split(':');
  if (!ENTITY_TYPES.includes(type) || extra !== undefined) {
    throw validationError(`--entity must be TYPE or TYPE:ID with TYPE one of ${ENTITY_TYPES.join(', ')} (got "${value.slice(0, 40)}")`);
  }
  return id === undefined ? { entityType: type } : { entityType: type, entityId: parseId(id, '--entity id') };
}
