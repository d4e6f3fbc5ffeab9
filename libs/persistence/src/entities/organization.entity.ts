import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A media centre: the tenant whose placements the ledger keeps. */
@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  region: string;

  /** Local date YYYY-MM-DD. */
  @Column({ name: 'founded_on', type: 'varchar', length: 10 })
  foundedOn: string;

  /** Words that mark an article as this organization's (discovery). */
  @Column({ type: 'simple-json' })
  keywords: string[];

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
