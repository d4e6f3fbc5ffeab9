import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A report rendered by the worker (for large ledgers): its request, state
 * and, when done, the file itself, so that any API process can serve it.
 */
@Entity('report_jobs')
@Index('idx_report_jobs_org', ['organizationId'])
export class ReportJob {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId: number;

  @Column({ type: 'varchar', length: 16 })
  kind: 'annual' | 'monthly' | 'self-evaluation';

  @Column({ type: 'varchar', length: 8 })
  format: string;

  @Column({ type: 'simple-json' })
  params: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  state: 'queued' | 'running' | 'completed' | 'failed';

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'file_name', type: 'varchar', length: 200, nullable: true })
  fileName: string | null;

  @Column({ name: 'content_type', type: 'varchar', length: 100, nullable: true })
  contentType: string | null;

  /** The rendered file, base64 (portable across SQLite and PostgreSQL). */
  @Column({ name: 'content_base64', type: 'text', nullable: true, select: false })
  contentBase64: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'finished_at', nullable: true, type: 'varchar', length: 30 })
  finishedAt: string | null;
}
