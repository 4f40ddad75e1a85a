import { type EntityManager } from 'typeorm';
import { conflict, notFound } from '../errors/cli-error';
import { returningRows } from './returning-rows';

/** Tables that carry a `version` column (see the initial migration). */
export type VersionedTable = 'clients' | 'contracts' | 'events';

export interface VersionedUpdate {
  table: VersionedTable;
  /** How the record is named in messages: `client`, `contract`, `event`. */
  entity: string;
  id: number;
  /** The version the caller read (or `--expected-version`); the write happens only if it is still current. */
  expectedVersion: number;
  /** Column name (snake_case, from code, never from input) → new value. */
  set: Record<string, unknown>;
}

export interface VersionedResult {
  version: number;
  updatedAt: Date;
}

const COLUMN = /^[a-z_]+$/;

/**
 * Optimistic locking: `UPDATE … SET …, version = version + 1, updated_at = now() WHERE id = $1
 * AND version = $2`. When another command wrote the row since it was read, no row matches and the
 * write is refused with a conflict (exit 6) instead of silently overwriting the other change.
 * Under READ COMMITTED a concurrent writer blocks on the row lock, then re-checks the version, so
 * two interleaved updates from the same starting version give exactly one conflict.
 */
export async function updateVersioned(manager: EntityManager, update: VersionedUpdate): Promise<VersionedResult> {
  const columns = Object.keys(update.set);
  for (const column of columns) if (!COLUMN.test(column)) throw new Error(`invalid column name ${column}`);
  const assignments = columns.map((column, i) => `${column} = $${i + 3}`);
  const rows = await returningRows<{ version: number; updated_at: Date }>(
    manager,
    `UPDATE ${update.table} SET ${[...assignments, 'version = version + 1', 'updated_at = now()'].join(', ')}
      WHERE id = $1 AND version = $2
      RETURNING version, updated_at`,
    [update.id, update.expectedVersion, ...columns.map((column) => update.set[column])],
  );
  if (rows.length === 1) return { version: Number(rows[0].version), updatedAt: new Date(rows[0].updated_at) };
  const exists: unknown[] = await manager.query(`SELECT 1 FROM ${update.table} WHERE id = $1`, [update.id]);
  if (exists.length === 0) throw notFound(update.entity, update.id);
  throw conflict(`${update.entity} ${update.id} was changed by someone else; show it again and retry`);
}
