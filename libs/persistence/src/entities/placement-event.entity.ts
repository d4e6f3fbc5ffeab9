import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { PlacementEventType } from '@pl/domain';
import type { Placement } from './placement.entity';

/** What happened to a placement, by whom. Append-only: never updated or deleted. */
@Entity('placement_events')
export class PlacementEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('idx_placement_events_placement')
  @Column({ name: 'placement_id', type: 'integer' })
  placementId: number;

  @ManyToOne('Placement', (p: Placement) => p.events, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'placement_id' })
  placement?: Placement;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId: number;

  @Column({ type: 'varchar', length: 32 })
  type: PlacementEventType;

  @Column({ type: 'varchar', length: 100 })
  actor: string;

  @Column({ name: 'ingestion_id', type: 'varchar', length: 36, nullable: true })
  ingestionId: string | null;

  /** Reason, evidence (fetched URL, time, HTTP status, content hash, matched title)… */
  @Column({ type: 'simple-json', nullable: true })
  data: Record<string, unknown> | null;

  @Column({ name: 'occurred_at' })
  occurredAt: Date;
}
