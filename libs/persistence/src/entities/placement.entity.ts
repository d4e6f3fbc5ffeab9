import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Genre, PlacementSource, PlacementStatus, Prominence } from '@pl/domain';
import type { Channel } from './channel.entity';
import type { PlacementEvent } from './placement-event.entity';

/**
 * One article placed in one channel: the projection of its events. Only the
 * ingestion worker writes this table.
 */
@Entity('placements')
@Index('uq_placements_dedup', ['organizationId', 'dedupKey'], { unique: true })
@Index('idx_placements_org_date_counts', ['organizationId', 'publishedOn', 'status', 'channelId', 'year', 'month'])
@Index('idx_placements_org_year_month', ['organizationId', 'year', 'month'])
@Index('idx_placements_org_channel', ['organizationId', 'channelId'])
export class Placement {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId: number;

  @Column({ name: 'channel_id', type: 'integer' })
  channelId: number;

  @ManyToOne('Channel', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'channel_id' })
  channel?: Channel;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url: string | null;

  /** Local date (Asia/Shanghai) YYYY-MM-DD. */
  @Column({ name: 'published_on', type: 'varchar', length: 10 })
  publishedOn: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'integer' })
  month: number;

  @Column({ type: 'varchar', length: 100, nullable: true })
  section: string | null;

  @Column({ type: 'varchar', length: 16 })
  prominence: Prominence;

  @Column({ type: 'varchar', length: 16, nullable: true })
  genre: Genre | null;

  @Column({ type: 'simple-json' })
  authors: string[];

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'varchar', length: 16 })
  source: PlacementSource;

  @Column({ type: 'varchar', length: 16 })
  status: PlacementStatus;

  /** sha1 of channel + canonical link, or channel + date + normalised title. */
  @Column({ name: 'dedup_key', type: 'varchar', length: 40 })
  dedupKey: string;

  /** When the crawler last found the link gone (404/410): for an editor to look at, not a rejection. */
  @Column({ name: 'link_gone_at', type: 'varchar', length: 30, nullable: true })
  linkGoneAt: string | null;

  @OneToMany('PlacementEvent', (e: PlacementEvent) => e.placement)
  events?: PlacementEvent[];

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
