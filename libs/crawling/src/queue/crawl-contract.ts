import type { JobsOptions } from 'bullmq';

/** The queue of crawl work: source runs (scheduled or asked for) and confirmation passes. */
export const CRAWL_QUEUE = 'crawl';

/** Crawl one source: fetch its pages, confirm placements it shows, discover unlogged ones. */
export interface CrawlSourceJob {
  /** The crawl_runs row to fill; absent for scheduled runs (the processor creates one). */
  runId?: string;
  sourceId: number;
  /** Local date whose edition or items to look at (default: today, Asia/Shanghai). */
  date?: string;
}

/** Check an organization's claimed placements against the outlets' pages. */
export interface CrawlConfirmJob {
  runId: string;
  organizationId: number;
  /** Only these (default: every claimed placement). */
  placementIds?: number[];
}

/** Job name → payload of the crawl queue. */
export interface CrawlJobs {
  'crawl.source': CrawlSourceJob;
  'crawl.confirm': CrawlConfirmJob;
}

export type CrawlJobName = keyof CrawlJobs;

/** A crawl is retried once (a restart); its pages are retried by the fetcher itself. */
export const CRAWL_JOB_OPTIONS: JobsOptions = {
  attempts: 2,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: false,
};
