import { type RunFunction } from '../../cli/command-spec';
import { notFound } from '../../errors/cli-error';
import { humanTime } from '../../output/json-values';
import { newestFirstFrom } from '../shared/pagination';
import { auditJson } from '../../output/record-json';
import { describeChange } from './audit-view';
import { type IdInput } from './input';

/** One audit entry whole, one line per changed field: a list cuts the changes to the terminal's width. */
export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const [entry] = (await (await ctx.backend()).audit.list({}, newestFirstFrom(id))).items;
  if (entry?.id !== id) throw notFound('audit entry', id);
  const changes = Object.entries(entry.changes);
  return {
    json: auditJson(entry),
    human: {
      kind: 'record',
      fields: [
        ['id', String(entry.id)],
        ['when', humanTime(entry.occurredAt)],
        ['who', entry.actorId === null ? (entry.actorLabel ?? '') : `${entry.actorLabel ?? ''} #${entry.actorId}`],
        ['action', entry.action],
        ['record', entry.entityId === null ? entry.entityType : `${entry.entityType} ${entry.entityId}`],
        ...(changes.length === 0 ? [['changes', 'none'] as [string, string]] : changes.map(([field, change]): [string, string] => [field, describeChange(change)])),
      ],
    },
  };
};
