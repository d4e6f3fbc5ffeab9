import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Evidence (佐证): the pages confirmations rest on, as the outlets served
 * them, compressed and keyed by the sha256 of the bytes, so that a page
 * (a feed that confirms twenty placements) is stored once. Written by the
 * crawler; placement events name a page by its sha256.
 */
export class EvidencePages1765000000000 implements MigrationInterface {
  name = 'EvidencePages1765000000000';

  async up(qr: QueryRunner): Promise<void> {
    const postgres = qr.connection.driver.options.type === 'postgres';
    await qr.createTable(
      new Table({
        name: 'evidence_pages',
        columns: [
          { name: 'sha256', type: 'varchar', length: '64', isPrimary: true },
          // The page's size as served (uncompressed), bytes.
          { name: 'size', type: 'integer' },
          { name: 'content_type', type: 'varchar', length: '200', isNullable: true },
          { name: 'url', type: 'varchar', length: '2048' },
          // How `body` is compressed (br: Brotli).
          { name: 'compression', type: 'varchar', length: '16' },
          { name: 'body', type: postgres ? 'bytea' : 'blob' },
          { name: 'fetched_at', type: 'varchar', length: '30' },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('evidence_pages');
  }
}
