import { validationError } from '../errors/cli-error';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(\d{1,9})([smhd]?)$/;

/** The longest lifetimes the settings accept; the token verifier refuses anything longer as well. */
export const MAX_ACCESS_TTL = '24h';
export const MAX_REFRESH_TTL = '365d';
/** How long the embedded database may stay open after a command (`serve --keep-open`, EPICEVENTS_KEEP_OPEN). */
export const MAX_KEEP_OPEN_SECONDS = 24 * 3600;

/** Parses `90s`, `15m`, `12h`, `7d` or plain seconds into seconds, at most `max` (same format). */
export function parseDuration(value: string, name: string, max: string): number {
  const seconds = durationSeconds(value);
  if (seconds === undefined) {
    throw validationError(`${name} must be a positive duration like 90s, 15m, 12h, 7d or plain seconds (got "${value}")`);
  }
  if (seconds > (durationSeconds(max) as number)) throw validationError(`${name} must be at most ${max} (got "${value}")`);
  return seconds;
}

/** The seconds of a duration, or undefined when the text is not a positive one. */
export function durationSeconds(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match || Number(match[1]) === 0) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}
