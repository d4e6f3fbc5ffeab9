export * from './types';
export * from './extract';
export * from './fetch';
export { CrawlingModule, CrawlerWorkerModule } from './crawling.module';
export { CrawlRuns, CrawlRunView } from './runs/crawl-runs.service';
export { CrawlSources, CrawlSourceView, crawlSourceInputSchema } from './sources/crawl-sources.service';
export { CrawlOperations } from './crawler/crawl-operations';
export * from './queue/crawl-contract';
export { CrawlQueue, sourceSchedulerId } from './queue/crawl-queue';
