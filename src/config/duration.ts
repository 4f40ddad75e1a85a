import { validationError } from '../errors/cli-error';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `90s`, `15m`, `12h`, `7d` or plain seconds into seconds. */
export function parseDuration(value: string, name: string): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(value.trim());
  if (!match || Number(match[1]) === 0) {
    throw validationError(`${name} must be a positive duration like 90s, 15m, 12h, 7d or plain seconds (got "${value}")`);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}
