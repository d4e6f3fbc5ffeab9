import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { idColumn, nowColumn, organizationCascade } from './columns';

/** Editors' entries of the self-evaluation table (自评表): values, scores and reasons per indicator and year. */
export class SelfEvaluation1765300000000 implements MigrationInterface {
  name = 'SelfEvaluation1765300000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'evaluation_entries',
        columns: [
          idColumn(),
          { name: 'organization_id', type: 'integer' },
          { name: 'year', type: 'integer' },
          { name: 'indicator', type: 'varchar', length: '64' },
          { name: 'value', type: 'varchar', length: '200', isNullable: true },
          { name: 'score', type: 'varchar', length: '16', isNullable: true },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'entered_by', type: 'varchar', length: '100' },
          nowColumn(qr, 'entered_at'),
        ],
        indices: [{ name: 'uq_evaluation_entries_org_year_indicator', columnNames: ['organization_id', 'year', 'indicator'], isUnique: true }],
        foreignKeys: [organizationCascade()],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('evaluation_entries');
  }
}
