import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Client } from './client.entity';
import { Employee } from './employee.entity';

@Entity({ name: 'contracts' })
export class Contract {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ name: 'client_id', type: 'integer' })
  clientId: number;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ name: 'sales_contact_id', type: 'integer' })
  salesContactId: number;

  @ManyToOne(() => Employee, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'sales_contact_id' })
  salesContact?: Employee;

  /** Exact decimal kept as a string ("1500.00"); never a JavaScript number. */
  @Column({ name: 'total_amount', type: 'numeric', precision: 12, scale: 2 })
  totalAmount: string;

  @Column({ name: 'amount_due', type: 'numeric', precision: 12, scale: 2 })
  amountDue: string;

  @Column({ name: 'is_signed', type: 'boolean', default: false })
  isSigned: boolean;

  @Column({ name: 'signed_at', type: 'timestamptz', nullable: true })
  signedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
