import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Regions with a slug beside their Chinese name (organizations keep the name in `region`). */
export class Regions1765300000001 implements MigrationInterface {
  name = 'Regions1765300000001';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'regions',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'slug', type: 'varchar', length: '64', isUnique: true },
          { name: 'name', type: 'varchar', length: '100', isUnique: true },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('regions');
  }
}
