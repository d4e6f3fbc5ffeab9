import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Progress of one submission (a single placement, a bulk, an import or a
 * status change) through the queue. The API records what it received; the
 * worker adds what it inserted, found duplicate or rejected, in the same
 * transaction as the placements.
 */
@Entity('ingestions')
export class Ingestion {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId: number;

  @Column({ type: 'varchar', length: 16 })
  kind: 'placements' | 'import' | 'status' | 'edit';

  /** Entries submitted, valid or not. */
  @Column({ type: 'integer', default: 0 })
  received: number;

  /** Entries that passed the edge and were queued. */
  @Column({ type: 'integer', default: 0 })
  accepted: number;

  @Column({ type: 'integer', default: 0 })
  inserted: number;

  @Column({ type: 'integer', default: 0 })
  duplicates: number;

  /** Refused at the edge plus refused by the worker. */
  @Column({ type: 'integer', default: 0 })
  rejected: number;

  /** Of `rejected`, those the worker refused (the rest were refused at the edge). */
  @Column({ name: 'worker_rejected', type: 'integer', default: 0 })
  workerRejected: number;

  /** Why the worker refused a change to a placement (JSON: code, field, message, messageZh, duplicateOf?), or null. */
  @Column({ type: 'text', nullable: true })
  refusal: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
