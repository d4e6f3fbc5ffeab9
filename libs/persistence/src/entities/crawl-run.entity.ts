import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One crawl: a source's run or an organization's confirmation pass, and what it found. */
@Entity('crawl_runs')
@Index('idx_crawl_runs_source', ['sourceId'])
export class CrawlRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: 'source' | 'confirm';

  @Column({ name: 'source_id', type: 'integer', nullable: true })
  sourceId: number | null;

  @Column({ name: 'organization_id', type: 'integer', nullable: true })
  organizationId: number | null;

  @Column({ type: 'varchar', length: 16 })
  state: 'queued' | 'running' | 'completed' | 'failed';

  /** Its BullMQ job's id when that is not the run's id (a scheduled source run); null otherwise. */
  @Column({ name: 'job_id', type: 'varchar', length: 200, nullable: true })
  jobId: string | null;

  @Column({ type: 'integer', default: 0 })
  pages: number;

  @Column({ type: 'integer', default: 0 })
  items: number;

  @Column({ type: 'integer', default: 0 })
  confirmed: number;

  @Column({ type: 'integer', default: 0 })
  discovered: number;

  @Column({ name: 'link_gone', type: 'integer', default: 0 })
  linkGone: number;

  /** Pages or placements that could not be checked, with why. */
  @Column({ type: 'simple-json' })
  errors: { url?: string; placementId?: number; message: string }[];

  @Column({ name: 'started_at', type: 'varchar', length: 30, nullable: true })
  startedAt: string | null;

  @Column({ name: 'finished_at', type: 'varchar', length: 30, nullable: true })
  finishedAt: string | null;
}
