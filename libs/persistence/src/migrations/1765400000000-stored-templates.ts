import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { idColumn, nowColumn, organizationCascade } from './columns';

/** Templates (report, indicators, points) stored per organization or region, as uploaded. */
export class StoredTemplates1765400000000 implements MigrationInterface {
  name = 'StoredTemplates1765400000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'stored_templates',
        columns: [
          idColumn(),
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'scope', type: 'varchar', length: '120' },
          { name: 'organization_id', type: 'integer', isNullable: true },
          { name: 'region', type: 'varchar', length: '100', isNullable: true },
          { name: 'format', type: 'varchar', length: '8' },
          { name: 'content', type: 'text' },
          { name: 'updated_by', type: 'varchar', length: '100' },
          nowColumn(qr, 'updated_at'),
        ],
        indices: [{ name: 'uq_stored_templates_kind_scope', columnNames: ['kind', 'scope'], isUnique: true }],
        foreignKeys: [organizationCascade()],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('stored_templates');
  }
}
