import { type OptionSpec } from '../../cli/command-spec';
import { type Page, type PageRequest } from '../../backend/backend';
import { parseId, parseLimit } from '../../validation/parse';
import { type CommandResult, type HumanView } from '../../output/view';
import { type JsonValue } from '../../output/json-values';

/** `--limit`, `--cursor` and `--wide`, for every list command. */
export const PAGE_OPTIONS: OptionSpec[] = [
  { flags: '--limit <n>', description: 'show at most N rows (default 50, at most 500)' },
  { flags: '--cursor <id>', description: 'continue after this id (printed as "next page: --cursor N")' },
  { flags: '--wide', description: 'show every cell whole, wider than the terminal if need be (the table fits the terminal, or COLUMNS, otherwise)' },
];

export function parsePageRequest(options: Record<string, unknown>): PageRequest {
  const limit = parseLimit(options.limit, '--limit');
  return options.cursor === undefined ? { limit } : { limit, cursor: parseId(options.cursor, '--cursor') };
}

/**
 * The page of a newest-first list (notifications, the audit trail) that starts at `id`: its first
 * item is that record when the caller may see it. `show` for those lists, with no operation of its own.
 */
export function newestFirstFrom(id: number): PageRequest {
  // The cursor is exclusive; above the largest id there is nothing to exclude (and id + 1 would not fit an integer column).
  return id < 2147483647 ? { limit: 1, cursor: id + 1 } : { limit: 1 };
}

/**
 * The result of a list command. With --json stdout stays a plain array (README, Paging); in both modes
 * the cursor of the next page, when there is one, goes to stderr, where a script can read it
 * without breaking the JSON document.
 */
export function pagedResult<T>(
  page: Page<T>,
  toJson: (item: T) => JsonValue,
  toHuman: (items: T[]) => HumanView,
): CommandResult {
  const notes = page.nextCursor === undefined ? [] : [`next page: --cursor ${page.nextCursor}`];
  return { json: page.items.map(toJson), human: toHuman(page.items), notes };
}
