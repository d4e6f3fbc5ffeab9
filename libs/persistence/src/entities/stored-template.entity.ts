import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** What a stored template is: the report template, the self-evaluation indicators or the points table. */
export const TEMPLATE_KINDS = ['report', 'indicators', 'points'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/**
 * A template an organization or a region uses instead of the shipped
 * default, kept in the database so that every API and worker process reads
 * the same one. `content` is the text as uploaded (YAML or JSON), so that
 * what is shown back, and the lines its errors name, are the editor's own.
 * `scope` is `org:<id>` or `region:<name>`: one key that a unique index can
 * hold on both databases (a nullable pair would let duplicates through).
 */
@Entity('stored_templates')
@Index('uq_stored_templates_kind_scope', ['kind', 'scope'], { unique: true })
export class StoredTemplate {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  kind: TemplateKind;

  @Column({ type: 'varchar', length: 120 })
  scope: string;

  /** The organization it belongs to (removed with it), or null for a region's. */
  @Column({ name: 'organization_id', type: 'integer', nullable: true })
  organizationId: number | null;

  /** The region's name (as organizations' `region` holds it), or null for an organization's. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  region: string | null;

  /** `yaml` or `json`: how it was sent, and how it is sent back. */
  @Column({ type: 'varchar', length: 8 })
  format: 'yaml' | 'json';

  @Column({ type: 'text' })
  content: string;

  @Column({ name: 'updated_by', type: 'varchar', length: 100 })
  updatedBy: string;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
