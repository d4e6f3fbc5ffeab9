import { Module } from '@nestjs/common';
import { LedgerModule } from '@pl/placements';
import { CrawlOperations } from './crawler/crawl-operations';
import { CrawlHandlers } from './crawler/crawl-handlers';
import { EvidenceStore } from './evidence/evidence-store';
import { LinkPreviews } from './preview/link-previews';
import { CrawlQueue } from './queue/crawl-queue';
import { CrawlRuns } from './runs/crawl-runs.service';
import { CrawlSources } from './sources/crawl-sources.service';

/** Crawl sources, runs, link previews and evidence as the API sees them. Needs PersistenceModule (global); owns the crawl queue's producer. */
@Module({
  imports: [LedgerModule],
  providers: [CrawlQueue, CrawlSources, CrawlRuns, LinkPreviews, EvidenceStore],
  exports: [CrawlQueue, CrawlSources, CrawlRuns, LinkPreviews, EvidenceStore],
})
export class CrawlingModule {}

/** The crawl queue's handlers and their schedules; a process serves the queue through @pl/worker-runtime (queue "crawl"). */
@Module({ imports: [CrawlingModule, LedgerModule], providers: [CrawlOperations, CrawlHandlers] })
export class CrawlerWorkerModule {}
