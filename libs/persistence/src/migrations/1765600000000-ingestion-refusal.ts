import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Why the worker refused a change to a placement (an edit, a withdrawal, a
 * restoration that the edge had accepted): the error's code, field, English
 * and Chinese messages and, for a duplicate, the placement it would
 * duplicate, as JSON. GET /api/ingestions/:id shows it.
 */
export class IngestionRefusal1765600000000 implements MigrationInterface {
  name = 'IngestionRefusal1765600000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('ingestions', new TableColumn({ name: 'refusal', type: 'text', isNullable: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('ingestions', 'refusal');
  }
}
