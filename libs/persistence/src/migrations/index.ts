import { InitialLedger1764000000000 } from './1764000000000-initial-ledger';

/** Every migration, in order. One set serves SQLite and PostgreSQL. */
export const MIGRATIONS = [InitialLedger1764000000000];
