import { isPlan, type Plan, PLANS } from '../domain/plans';
import { isTenantSlug } from '../domain/tenancy';
import { validationError } from '../errors/cli-error';
import { type FieldLabel, parseCount, parseText } from './parse';

/** A company's name, which its slug is made from (tenants.name is at most 150). */
export const parseTenantName = (value: unknown, field: FieldLabel) => parseText(value, field, 150);

export function parsePlan(value: unknown, field: FieldLabel): Plan {
  const text = String(value ?? '').trim().toUpperCase();
  if (!isPlan(text)) throw validationError([field, ` must be one of ${PLANS.join(', ')} (got "${String(value ?? '').slice(0, 40)}")`]);
  return text;
}

/** How a command or a route names a tenant: its id, or its slug (a slug is never digits alone: digits are an id). */
export type TenantRef = { id: number } | { slug: string };

export function parseTenantRef(value: unknown, field: FieldLabel): TenantRef {
  const text = String(value ?? '').trim();
  if (/^[0-9]+$/.test(text)) {
    if (/^[1-9][0-9]{0,15}$/.test(text) && Number.isSafeInteger(Number(text))) return { id: Number(text) };
  } else if (isTenantSlug(text)) {
    return { slug: text };
  }
  throw validationError([field, ` must be a tenant's slug or id (got "${text.slice(0, 40)}")`]);
}

/** Days added to a trial: 1 to 365 (the database checks the same). */
export function parseTrialDays(value: unknown, field: FieldLabel): number {
  const days = parseCount(value, field, 365);
  if (days < 1) throw validationError([field, ' must be at least 1']);
  return days;
}
