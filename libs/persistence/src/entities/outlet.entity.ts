import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { Channel } from './channel.entity';

/** A media organisation or brand (人民日报, 红网…). Tier lives on its channels. */
@Entity('outlets')
export class Outlet {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  @Column({ type: 'simple-json' })
  aliases: string[];

  @Column({ type: 'simple-json' })
  domains: string[];

  @OneToMany('Channel', (c: Channel) => c.outlet)
  channels?: Channel[];

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
