import { Module } from '@nestjs/common';
import { LedgerModule } from '../../ledger/src';
import { CrawlOperations } from './crawler/crawl-operations';
import { CrawlWorker } from './crawler/crawl-worker';
import { CrawlRuns } from './runs/crawl-runs.service';
import { CrawlSources } from './sources/crawl-sources.service';

/** Crawl sources and runs as the API sees them. Needs PersistenceModule and QueueModule (global). */
@Module({ imports: [LedgerModule], providers: [CrawlSources, CrawlRuns], exports: [CrawlSources, CrawlRuns] })
export class CrawlingModule {}

/** The crawler's worker: crawl jobs and their schedules. */
@Module({ imports: [CrawlingModule, LedgerModule], providers: [CrawlOperations, CrawlWorker] })
export class CrawlerWorkerModule {}
