import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Counts (summaries, report figures, rankings) filter placements by
 * organization, date range and status, join the channel and group by tier,
 * channel, outlet, year or month. With only (organization_id, published_on)
 * indexed, every counted placement costs a table-row lookup; with status,
 * channel_id, year and month in the index too, the counts read the index
 * alone (SQLite: covering index; PostgreSQL: index-only scan). This index
 * starts with the same two columns, so it replaces idx_placements_org_date
 * for every query that used it (lists by date included) and a write still
 * maintains the same number of indexes. On 1,000,000 placements (npm run
 * bench:report, BENCH_REPORT_COMPARE=1) a year's tier × month count of the
 * largest organization went from ~160 ms to ~35–60 ms on both databases, and
 * the annual report's composition roughly halved.
 */
export class PlacementCountIndex1764300000000 implements MigrationInterface {
  name = 'PlacementCountIndex1764300000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createIndex(
      'placements',
      new TableIndex({
        name: 'idx_placements_org_date_counts',
        columnNames: ['organization_id', 'published_on', 'status', 'channel_id', 'year', 'month'],
      }),
    );
    await qr.dropIndex('placements', 'idx_placements_org_date');
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.createIndex('placements', new TableIndex({ name: 'idx_placements_org_date', columnNames: ['organization_id', 'published_on'] }));
    await qr.dropIndex('placements', 'idx_placements_org_date_counts');
  }
}
