import { type CommandInput } from '../../cli/command-spec';
import { validationError } from '../../errors/cli-error';
import { type AuditFilters, type PageRequest } from '../../backend/backend';
import { parseDateTime, parseId, parseText } from '../../validation/parse';
import { flagString } from '../shared/flags';
import { parsePageRequest } from '../shared/pagination';

/** The parse steps of the audit commands: flags → typed input, before anything opens. */

// Logins and logouts are entries about the employee (actions session.login, session.logout).
const ENTITY_TYPES = ['employee', 'client', 'contract', 'event'];

export interface IdInput {
  id: number;
}

export const parseAuditId = ({ args }: CommandInput): IdInput => ({ id: parseId(args[0], 'audit entry id') });

export interface AuditListInput {
  filters: AuditFilters;
  page: PageRequest;
}

export function parseAuditList({ options }: CommandInput): AuditListInput {
  const filters: AuditFilters = { ...parseEntity(flagString(options, 'entity')) };
  if (options.actor !== undefined) filters.actorId = parseId(options.actor, '--actor');
  const action = flagString(options, 'action');
  if (action !== undefined) filters.action = parseText(action, '--action', 40);
  const since = flagString(options, 'since');
  if (since !== undefined) filters.since = parseDateTime(since, '--since');
  return { filters, page: parsePageRequest(options) };
}

/** `--entity client` or `--entity client:5`. */
function parseEntity(value: string | undefined): Pick<AuditFilters, 'entityType' | 'entityId'> {
  if (value === undefined) return {};
  const [type, id, extra] = value.split(':');
  if (!ENTITY_TYPES.includes(type) || extra !== undefined) {
    throw validationError(`--entity must be TYPE or TYPE:ID with TYPE one of ${ENTITY_TYPES.join(', ')} (got "${value.slice(0, 40)}")`);
  }
  return id === undefined ? { entityType: type } : { entityType: type, entityId: parseId(id, '--entity id') };
}
