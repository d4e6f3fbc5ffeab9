import { InitialLedger1764000000000 } from './1764000000000-initial-ledger';
import { BudgetsProfilesReports1764100000000 } from './1764100000000-budgets-profiles-reports';

/** Every migration, in order. One set serves SQLite and PostgreSQL. */
export const MIGRATIONS = [InitialLedger1764000000000, BudgetsProfilesReports1764100000000];
