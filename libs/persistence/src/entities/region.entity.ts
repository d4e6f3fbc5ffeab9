import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A region (a city or county) whose organizations are ranked together: its
 * Chinese name, as organizations' `region` holds it, and an ASCII slug for
 * URLs and the CLI. A region without a row here is still addressed by name.
 */
@Entity('regions')
export class Region {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  slug: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name: string;
}
