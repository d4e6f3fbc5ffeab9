import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * One organization's budget for one fiscal year. Amounts are integer fen
 * inside `document` (see libs/reporting budget types); the parts are checked
 * to add up to their totals before a write.
 */
@Entity('budgets')
@Index('uq_budgets_org_year', ['organizationId', 'fiscalYear'], { unique: true })
export class Budget {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId: number;

  @Column({ name: 'fiscal_year', type: 'integer' })
  fiscalYear: number;

  /** Total spending in fen, for listing without parsing the document. */
  @Column({ name: 'total_fen', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  totalFen: number;

  @Column({ type: 'simple-json' })
  document: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
