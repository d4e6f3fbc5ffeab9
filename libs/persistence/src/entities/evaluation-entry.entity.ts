import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * What an editor entered for one indicator of an organization's
 * self-evaluation table (自评表) in one year: the actual value, the score
 * (manual rules) and the reason for a shortfall, with who entered it.
 */
@Entity('evaluation_entries')
@Index('uq_evaluation_entries_org_year_indicator', ['organizationId', 'year', 'indicator'], { unique: true })
export class EvaluationEntryRow {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId: number;

  @Column({ type: 'integer' })
  year: number;

  /** The indicator's id in the organization's indicator template. */
  @Column({ type: 'varchar', length: 64 })
  indicator: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  value: string | null;

  /** A decimal with at most two places, as text (exact on both databases). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  score: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'entered_by', type: 'varchar', length: 100 })
  enteredBy: string;

  @UpdateDateColumn({ name: 'entered_at' })
  enteredAt: Date;
}
