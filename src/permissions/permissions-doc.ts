import { ROLES } from '../domain/roles';
import { type ActionSpec, PERMISSIONS, type Rule } from './permission-matrix';

/**
 * docs/permissions.md, rendered from the permission matrix alone, so the document cannot drift
 * from what the services enforce (a unit test fails when the committed file is stale).
 */
export function renderPermissionsDoc(): string {
  const header = `| action | ${ROLES.join(' | ')} |`;
  const rule = `| --- | ${ROLES.map(() => '---').join(' | ')} |`;
  const rows = (Object.entries(PERMISSIONS) as [string, ActionSpec][]).map(
    ([action, spec]) => `| ${spec.description} (\`${action}\`) | ${ROLES.map((role) => cell(spec.rules[role], spec)).join(' | ')} |`,
  );
  return [
    '# Permissions',
    '',
    '<!-- Generated from src/permissions/permission-matrix.ts by `npm run docs:permissions`; do not edit by hand. -->',
    '',
    'Who may do what. The role that counts is the one in the database when the command runs:',
    'a demoted or deactivated employee loses access at once. A refusal exits with code 4 and writes nothing.',
    '',
    header,
    rule,
    ...rows,
    '',
    '**yes**: on every record. **no**: refused. **own**: only when the condition in the cell holds.',
    '',
    '',
  ].join('\n');
}

function cell(value: Rule, spec: ActionSpec): string {
  if (value === 'any') return 'yes';
  if (value === 'own') return `own: ${spec.ownership ?? 'the record is theirs'}`;
  return 'no';
}
