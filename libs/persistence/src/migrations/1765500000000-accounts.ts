import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Sign-in: users, their organization roles, server-side sessions and API tokens (hashes only). */
export class Accounts1765500000000 implements MigrationInterface {
  name = 'Accounts1765500000000';

  async up(qr: QueryRunner): Promise<void> {
    const time = (name: string, nullable = false) => ({ name, type: 'varchar', length: '30', isNullable: nullable });
    await qr.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'password_hash', type: 'varchar', length: '200' },
          { name: 'role', type: 'varchar', length: '16', isNullable: true },
          { name: 'region', type: 'varchar', length: '100', isNullable: true },
          time('disabled_at', true),
          time('created_at'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'memberships',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'user_id', type: 'integer' },
          { name: 'organization_id', type: 'integer' },
          { name: 'role', type: 'varchar', length: '16' },
        ],
        indices: [{ name: 'uq_memberships_user_org', columnNames: ['user_id', 'organization_id'], isUnique: true }],
        foreignKeys: [
          { columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['organization_id'], referencedTableName: 'organizations', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'integer' },
          { name: 'csrf_token', type: 'varchar', length: '64' },
          time('created_at'),
          time('expires_at'),
        ],
        indices: [{ name: 'idx_sessions_user', columnNames: ['user_id'] }],
        foreignKeys: [{ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'name', type: 'varchar', length: '64', isUnique: true },
          { name: 'user_id', type: 'integer' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'role', type: 'varchar', length: '16', isNullable: true },
          { name: 'created_by', type: 'varchar', length: '100' },
          time('created_at'),
          time('revoked_at', true),
        ],
        foreignKeys: [{ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['api_tokens', 'sessions', 'memberships', 'users']) await qr.dropTable(t);
  }
}
