import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { ChannelKind, Tier } from '@pl/domain';
import type { Organization } from './organization.entity';
import type { Outlet } from './outlet.entity';

/** Where a placement actually appears: a paper, a programme, a site, an account. */
@Entity('channels')
export class Channel {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  @Index('idx_channels_outlet')
  @Column({ name: 'outlet_id', type: 'integer' })
  outletId: number;

  @ManyToOne('Outlet', (o: Outlet) => o.channels, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'outlet_id' })
  outlet?: Outlet;

  @Column({ type: 'varchar', length: 16 })
  tier: Tier;

  @Column({ type: 'varchar', length: 32 })
  kind: ChannelKind;

  @Column({ name: 'owner_organization_id', type: 'integer', nullable: true })
  ownerOrganizationId: number | null;

  @ManyToOne('Organization', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'owner_organization_id' })
  owner?: Organization | null;

  @Column({ type: 'simple-json' })
  aliases: string[];

  /** Regular expressions a link must match to belong to this channel. */
  @Column({ name: 'url_patterns', type: 'simple-json' })
  urlPatterns: string[];

  @Column({ name: 'display_order', type: 'integer', default: 0 })
  displayOrder: number;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
