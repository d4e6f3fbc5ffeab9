import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * The BullMQ job a crawl run belongs to, when its id is not the run's: a
 * scheduled source run (its job is the scheduler's `repeat:…`, its run id
 * derived from it). Reading the run then asks that job whether it failed for
 * good, as for runs asked for by API, whose job id is the run's id (null
 * here).
 */
export class CrawlRunJobId1765700000000 implements MigrationInterface {
  name = 'CrawlRunJobId1765700000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('crawl_runs', new TableColumn({ name: 'job_id', type: 'varchar', length: '200', isNullable: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('crawl_runs', 'job_id');
  }
}
