import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CRAWL_SOURCE_TYPES = ['list', 'epaper', 'feed'] as const;
export type CrawlSourceType = (typeof CRAWL_SOURCE_TYPES)[number];

/**
 * Where the crawler looks for a channel's articles: a list page (with
 * selectors), an e-paper edition (URL template by date and page), or a feed.
 * Article pages need no source: a placement's own link is fetched.
 */
@Entity('crawl_sources')
@Index('idx_crawl_sources_channel', ['channelId'])
export class CrawlSource {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'channel_id', type: 'integer' })
  channelId: number;

  @Column({ type: 'varchar', length: 16 })
  type: CrawlSourceType;

  /** The page or feed URL; for e-papers a template with {yyyy}{MM}{dd}{page}. */
  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** List selectors {item, title?, link?, date?}; e-papers also {pages}. */
  @Column({ type: 'simple-json', nullable: true })
  selectors: Record<string, unknown> | null;

  /** Cron expression (Asia/Shanghai), or null for manual runs only. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  schedule: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
