import type { QueryRunner, TableColumnOptions, TableForeignKeyOptions } from 'typeorm';

/**
 * Pieces the migrations share. A migration that has run must keep producing
 * the same schema: change what these return only by adding a new migration.
 */

/** The timestamp type each database maps a JS Date to. */
export const timestampType = (qr: QueryRunner): string => (qr.connection.driver.options.type === 'postgres' ? 'timestamp' : 'datetime');

/** The integer primary key every table has. */
export const idColumn = (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' });

/** A timestamp column set to the time of the insert. */
export const nowColumn = (qr: QueryRunner, name: string): TableColumnOptions => ({ name, type: timestampType(qr), default: 'CURRENT_TIMESTAMP' });

/** organization_id → organizations.id, the row going with its organization. */
export const organizationCascade = (): TableForeignKeyOptions => ({
  columnNames: ['organization_id'],
  referencedTableName: 'organizations',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
});
