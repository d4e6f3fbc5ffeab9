import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { isIsoDate } from '@pl/domain';
import { defineQueue } from '@pl/jobs';

/** The queue of crawl work: source runs (scheduled or asked for) and confirmation passes. */
export const CRAWL_QUEUE = 'crawl';

const positiveInt = z.number().int().positive();

/** Crawl one source: fetch its pages, confirm placements it shows, discover unlogged ones. */
const crawlSource = z.object({
  /** The crawl_runs row to fill; absent for scheduled runs (the processor creates one). */
  runId: z.string().min(1).max(64).optional(),
  sourceId: positiveInt,
  /** Local date whose edition or items to look at (default: today, Asia/Shanghai). */
  date: z.string().refine(isIsoDate, 'date must be YYYY-MM-DD').optional(),
});

/** Check an organization's claimed placements against the outlets' pages. */
const crawlConfirm = z.object({
  runId: z.string().min(1).max(64),
  organizationId: positiveInt,
  /** Only these (default: every claimed placement). */
  placementIds: z.array(positiveInt).optional(),
});

/** A crawl is retried once (a restart); its pages are retried by the fetcher itself. */
export const CRAWL_JOB_OPTIONS: JobsOptions = {
  attempts: 2,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: false,
};

/** The crawl queue's contract: job name → payload schema. */
export const CRAWL_CONTRACT = defineQueue({
  name: CRAWL_QUEUE,
  jobs: { 'crawl.source': crawlSource, 'crawl.confirm': crawlConfirm },
  jobOptions: CRAWL_JOB_OPTIONS,
  worker: (config) => ({ concurrency: config.crawler.concurrency }),
});

export type CrawlSourceJob = z.output<typeof crawlSource>;
export type CrawlConfirmJob = z.output<typeof crawlConfirm>;
