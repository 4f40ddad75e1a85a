import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AuditEntityType = 'employee' | 'client' | 'contract' | 'event';
export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

/** Append-only: the database refuses UPDATE and DELETE on this table. */
@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS', type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'integer', nullable: true })
  actorId: number | null;

  @Column({ name: 'actor_label', type: 'varchar', length: 300, nullable: true })
  actorLabel: string | null;

  @Column({ type: 'varchar', length: 40 })
  action: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 20 })
  entityType: AuditEntityType;

  @Column({ name: 'entity_id', type: 'integer', nullable: true })
  entityId: number | null;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  changes: FieldChanges;
}
