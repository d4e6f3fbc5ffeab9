import { InitialLedger1764000000000 } from './1764000000000-initial-ledger';
import { BudgetsProfilesReports1764100000000 } from './1764100000000-budgets-profiles-reports';
import { Crawling1764200000000 } from './1764200000000-crawling';
import { PlacementCountIndex1764300000000 } from './1764300000000-placement-count-index';
import { EvidencePages1765000000000 } from './1765000000000-evidence-pages';
import { DedupKeysFoldFormatCharacters1765100000000 } from './1765100000000-dedup-keys-fold-format-characters';
import { SelfEvaluation1765300000000 } from './1765300000000-self-evaluation';
import { Regions1765300000001 } from './1765300000001-regions';
import { StoredTemplates1765400000000 } from './1765400000000-stored-templates';
import { Accounts1765500000000 } from './1765500000000-accounts';
import { IngestionRefusal1765600000000 } from './1765600000000-ingestion-refusal';
import { CrawlRunJobId1765700000000 } from './1765700000000-crawl-run-job-id';

/** Every migration, in order. One set serves SQLite and PostgreSQL. */
export const MIGRATIONS = [
  InitialLedger1764000000000, BudgetsProfilesReports1764100000000, Crawling1764200000000, PlacementCountIndex1764300000000,
  EvidencePages1765000000000,
  DedupKeysFoldFormatCharacters1765100000000,
  SelfEvaluation1765300000000,
  Regions1765300000001,
  StoredTemplates1765400000000,
  Accounts1765500000000,
  IngestionRefusal1765600000000,
  CrawlRunJobId1765700000000,
];
