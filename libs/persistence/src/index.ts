export * from './entities';
export { MIGRATIONS } from './migrations';
export { createDataSource, dataSourceOptions, openDatabase } from './data-source';
export { SqlDialect, containsPattern } from './sql-dialect';
export { PersistenceModule } from './persistence.module';
export { write, writeTransaction } from './writes';
export { DatabaseUnreachableError, assertDatabaseReachable, redactDatabaseUrl } from './database-reachable';
export { isRefusedData, isUniqueViolation } from './unique-violation';
