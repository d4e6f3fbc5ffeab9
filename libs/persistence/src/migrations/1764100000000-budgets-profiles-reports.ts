import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { timestampType } from './columns';

/** Budgets, organization profiles and queued report renderings. */
export class BudgetsProfilesReports1764100000000 implements MigrationInterface {
  name = 'BudgetsProfilesReports1764100000000';

  async up(qr: QueryRunner): Promise<void> {
    const ts = timestampType(qr);
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    const updated = { name: 'updated_at', type: ts, default: 'CURRENT_TIMESTAMP' };
    const orgFk = { columnNames: ['organization_id'], referencedTableName: 'organizations', referencedColumnNames: ['id'], onDelete: 'CASCADE' };

    await qr.createTable(
      new Table({
        name: 'budgets',
        columns: [
          id,
          { name: 'organization_id', type: 'integer' },
          { name: 'fiscal_year', type: 'integer' },
          { name: 'total_fen', type: 'bigint' },
          { name: 'document', type: 'text' },
          updated,
        ],
        indices: [{ name: 'uq_budgets_org_year', columnNames: ['organization_id', 'fiscal_year'], isUnique: true }],
        foreignKeys: [orgFk],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'organization_profiles',
        columns: [
          id,
          { name: 'organization_id', type: 'integer' },
          { name: 'year_key', type: 'integer' },
          { name: 'document', type: 'text' },
          updated,
        ],
        indices: [{ name: 'uq_organization_profiles_org_year', columnNames: ['organization_id', 'year_key'], isUnique: true }],
        foreignKeys: [orgFk],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'report_jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'organization_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'format', type: 'varchar', length: '8' },
          { name: 'params', type: 'text' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'file_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'content_type', type: 'varchar', length: '100', isNullable: true },
          { name: 'content_base64', type: 'text', isNullable: true },
          { name: 'created_at', type: ts, default: 'CURRENT_TIMESTAMP' },
          { name: 'finished_at', type: 'varchar', length: '30', isNullable: true },
        ],
        indices: [{ name: 'idx_report_jobs_org', columnNames: ['organization_id'] }],
        foreignKeys: [orgFk],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['report_jobs', 'organization_profiles', 'budgets']) await qr.dropTable(t);
  }
}
