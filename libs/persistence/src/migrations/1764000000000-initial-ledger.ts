import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';
import { idColumn as id, timestampType as timestamp } from './columns';

const text = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const int = (name: string, nullable = false, def?: number): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable: nullable,
  ...(def === undefined ? {} : { default: def }),
});
const json = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: nullable,
});

/**
 * Organizations, outlets, channels, placements with their append-only events,
 * and ingestion progress. Written with the schema API so that one migration
 * serves SQLite and PostgreSQL.
 */
export class InitialLedger1764000000000 implements MigrationInterface {
  name = 'InitialLedger1764000000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = timestamp(qr);
    const created = { name: 'created_at', type: ts, default: 'CURRENT_TIMESTAMP' };
    const updated = { name: 'updated_at', type: ts, default: 'CURRENT_TIMESTAMP' };

    await qr.createTable(
      new Table({
        name: 'organizations',
        columns: [
          id(),
          text('slug', 64),
          text('name', 200),
          text('region', 100),
          text('founded_on', 10),
          json('keywords'),
          created,
        ],
        uniques: [{ name: 'uq_organizations_slug', columnNames: ['slug'] }],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'outlets',
        columns: [id(), text('name', 200), json('aliases'), json('domains'), created],
        uniques: [{ name: 'uq_outlets_name', columnNames: ['name'] }],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'channels',
        columns: [
          id(),
          text('name', 200),
          int('outlet_id'),
          text('tier', 16),
          text('kind', 32),
          int('owner_organization_id', true),
          json('aliases'),
          json('url_patterns'),
          int('display_order', false, 0),
          created,
        ],
        uniques: [{ name: 'uq_channels_name', columnNames: ['name'] }],
        indices: [{ name: 'idx_channels_outlet', columnNames: ['outlet_id'] }],
        foreignKeys: [
          { columnNames: ['outlet_id'], referencedTableName: 'outlets', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
          { columnNames: ['owner_organization_id'], referencedTableName: 'organizations', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'placements',
        columns: [
          id(),
          int('organization_id'),
          int('channel_id'),
          text('title', 500),
          text('url', 2048, true),
          text('published_on', 10),
          int('year'),
          int('month'),
          text('section', 100, true),
          text('prominence', 16),
          text('genre', 16, true),
          json('authors'),
          { name: 'note', type: 'text', isNullable: true },
          text('source', 16),
          text('status', 16),
          text('dedup_key', 40),
          created,
          updated,
        ],
        indices: [
          { name: 'uq_placements_dedup', columnNames: ['organization_id', 'dedup_key'], isUnique: true },
          { name: 'idx_placements_org_date', columnNames: ['organization_id', 'published_on'] },
          { name: 'idx_placements_org_year_month', columnNames: ['organization_id', 'year', 'month'] },
          { name: 'idx_placements_org_channel', columnNames: ['organization_id', 'channel_id'] },
        ],
        foreignKeys: [
          { columnNames: ['organization_id'], referencedTableName: 'organizations', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
          { columnNames: ['channel_id'], referencedTableName: 'channels', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'placement_events',
        columns: [
          id(),
          int('placement_id'),
          int('organization_id'),
          text('type', 32),
          text('actor', 100),
          text('ingestion_id', 36, true),
          json('data', true),
          { name: 'occurred_at', type: ts },
        ],
        indices: [{ name: 'idx_placement_events_placement', columnNames: ['placement_id'] }],
        foreignKeys: [
          { columnNames: ['placement_id'], referencedTableName: 'placements', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'ingestions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          int('organization_id'),
          text('kind', 16),
          int('received', false, 0),
          int('accepted', false, 0),
          int('inserted', false, 0),
          int('duplicates', false, 0),
          int('rejected', false, 0),
          int('worker_rejected', false, 0),
          created,
          updated,
        ],
        indices: [{ name: 'idx_ingestions_org', columnNames: ['organization_id'] }],
      }),
    );

    // A (ingestion, chunk) pair is committed once: a job replayed after a
    // crash finds its marker and changes nothing.
    await qr.createTable(
      new Table({
        name: 'ingestion_chunks',
        columns: [
          { name: 'ingestion_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'chunk', type: 'integer', isPrimary: true },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['ingestion_chunks', 'ingestions', 'placement_events', 'placements', 'channels', 'outlets', 'organizations']) {
      await qr.dropTable(t);
    }
  }
}
