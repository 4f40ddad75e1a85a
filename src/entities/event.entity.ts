import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Contract } from './contract.entity';
import { Employee } from './employee.entity';

@Entity({ name: 'events' })
export class Event {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ name: 'contract_id', type: 'integer' })
  contractId: number;

  @ManyToOne(() => Contract, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Contract;

  @Column({ type: 'varchar', length: 150 })
  name: string;

  @Column({ name: 'start_at', type: 'timestamptz' })
  startAt: Date;

  @Column({ name: 'end_at', type: 'timestamptz' })
  endAt: Date;

  @Column({ name: 'support_contact_id', type: 'integer', nullable: true })
  supportContactId: number | null;

  @ManyToOne(() => Employee, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'support_contact_id' })
  supportContact?: Employee | null;

  @Column({ type: 'varchar', length: 300 })
  location: string;

  @Column({ type: 'integer' })
  attendees: number;

  @Column({ type: 'varchar', length: 5000, default: '' })
  notes: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
