import { type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';

/** Keyset paging: rows with an id greater than `cursor`, in id order, at most `limit` of them. */
export interface PageRequest {
  limit: number;
  cursor?: number;
}

/** One page of a list; `nextCursor` is set only when more rows follow (the last item's id). */
export interface Page<T> {
  items: T[];
  nextCursor?: number;
}

export const DEFAULT_PAGE: PageRequest = { limit: 50 };

/**
 * Adds the keyset condition, the id order and a limit of `limit + 1` to a query: the extra row
 * only tells whether another page exists (see `toPage`). `idColumn` is a column of the query's
 * main alias, e.g. `client.id`. Keyset rather than OFFSET: page N costs the same as page 1 and a
 * row inserted meanwhile never shifts the pages.
 */
export function applyKeyset<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, idColumn: string, page: PageRequest): SelectQueryBuilder<T> {
  if (page.cursor !== undefined) query.andWhere(`${idColumn} > :keysetCursor`, { keysetCursor: page.cursor });
  return query.orderBy(idColumn, 'ASC').limit(page.limit + 1);
}

/** Cuts the `limit + 1` rows fetched by `applyKeyset` down to one page. */
export function toPage<T extends { id: number }>(rows: T[], page: PageRequest): Page<T> {
  if (rows.length <= page.limit) return { items: rows };
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: items[items.length - 1].id };
}
