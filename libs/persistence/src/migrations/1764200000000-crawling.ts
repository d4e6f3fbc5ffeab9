import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { timestampType } from './columns';

/** Crawl sources and runs; placements get a "link gone" mark for editors. */
export class Crawling1764200000000 implements MigrationInterface {
  name = 'Crawling1764200000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = timestampType(qr);
    await qr.createTable(
      new Table({
        name: 'crawl_sources',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'channel_id', type: 'integer' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'selectors', type: 'text', isNullable: true },
          { name: 'schedule', type: 'varchar', length: '100', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'created_at', type: ts, default: 'CURRENT_TIMESTAMP' },
          { name: 'updated_at', type: ts, default: 'CURRENT_TIMESTAMP' },
        ],
        indices: [{ name: 'idx_crawl_sources_channel', columnNames: ['channel_id'] }],
        foreignKeys: [{ columnNames: ['channel_id'], referencedTableName: 'channels', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'crawl_runs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'source_id', type: 'integer', isNullable: true },
          { name: 'organization_id', type: 'integer', isNullable: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'pages', type: 'integer', default: 0 },
          { name: 'items', type: 'integer', default: 0 },
          { name: 'confirmed', type: 'integer', default: 0 },
          { name: 'discovered', type: 'integer', default: 0 },
          { name: 'link_gone', type: 'integer', default: 0 },
          { name: 'errors', type: 'text' },
          { name: 'started_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'finished_at', type: 'varchar', length: '30', isNullable: true },
        ],
        indices: [{ name: 'idx_crawl_runs_source', columnNames: ['source_id'] }],
      }),
    );
    // When the crawler last found a placement's link gone (404/410); cleared when it is found again.
    await qr.addColumn('placements', new TableColumn({ name: 'link_gone_at', type: 'varchar', length: '30', isNullable: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('placements', 'link_gone_at');
    await qr.dropTable('crawl_runs');
    await qr.dropTable('crawl_sources');
  }
}
