import { type EntityManager } from 'typeorm';

/**
 * Runs one parameterised statement in the caller's transaction and returns its rows. For
 * `UPDATE … RETURNING` the pg driver and the embedded engine shape `manager.query`'s answer
 * differently; the structured result's `records` is the same on both.
 */
export async function returningRows<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  if (!manager.queryRunner) throw new Error('returningRows must run inside a transaction');
  const result = await manager.queryRunner.query(sql, params, true);
  return (result.records ?? []) as T[];
}
