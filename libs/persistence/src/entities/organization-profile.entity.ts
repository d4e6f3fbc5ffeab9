import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * What the annual report says about an organization in prose: its standing
 * profile (`year` null: establishment, leadership, units, duties) and, per
 * year, its goals, achievements and improvement measures.
 */
@Entity('organization_profiles')
@Index('uq_organization_profiles_org_year', ['organizationId', 'yearKey'], { unique: true })
export class OrganizationProfile {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId: number;

  /** The fiscal year, or 0 for the standing profile (0 keeps the unique index portable). */
  @Column({ name: 'year_key', type: 'integer' })
  yearKey: number;

  @Column({ type: 'simple-json' })
  document: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
