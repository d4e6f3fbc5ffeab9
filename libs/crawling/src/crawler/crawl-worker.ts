import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { CRAWL_QUEUE, CrawlJobName, CrawlJobs } from '../queue/crawl-contract';
import { workerConnection } from '@pl/jobs';
import { configuredFetcher, Fetcher } from '../fetch';
import { CrawlRuns } from '../runs/crawl-runs.service';
import { CrawlSources } from '../sources/crawl-sources.service';
import { CrawlOperations } from './crawl-operations';

type Handlers = { [N in CrawlJobName]: (job: Job<CrawlJobs[N], unknown, N>) => Promise<void> };

/**
 * The crawler process's BullMQ worker: source runs (scheduled or asked for)
 * and confirmation passes. Each job fills its crawl_runs row; a retried job
 * starts its run's counts again, and what it found twice changes nothing
 * (the ingestion worker dedups and refuses repeated transitions).
 */
@Injectable()
export class CrawlWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CrawlWorker.name);
  private worker: Worker | null = null;
  private connection: IORedis | null = null;
  private politeness: IORedis | null = null;
  private fetcher: Fetcher | null = null;

  private readonly handlers: Handlers = {
    'crawl.source': async (job) => {
      const source = await this.sources.get(job.data.sourceId).catch(() => {
        throw new UnrecoverableError(`crawl source ${job.data.sourceId} does not exist`);
      });
      // A schedule left behind by a source disabled meanwhile fetches nothing (a run asked for by hand still runs).
      if (!job.data.runId && !source.enabled) {
        this.logger.warn(`crawl source ${source.id} is disabled: scheduled run skipped`);
        return;
      }
      // A scheduled job brings no run: derive one from the job's id, so that a retry fills the same run.
      const runId = job.data.runId ?? uuidFrom(String(job.id));
      if (!job.data.runId && !(await this.runs.find(runId))) await this.runs.create('source', { sourceId: source.id }, runId);
      await this.runAs(runId, () => this.operations.crawlSource(this.fetcher!, runId, source, job.data.date));
    },
    'crawl.confirm': async (job) => {
      await this.runAs(job.data.runId, () =>
        this.operations.confirmPlacements(this.fetcher!, job.data.runId, job.data.organizationId, job.data.placementIds),
      );
    },
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly operations: CrawlOperations,
    private readonly runs: CrawlRuns,
    private readonly sources: CrawlSources,
  ) {}

  onApplicationBootstrap(): void {
    const c = this.config.crawler;
    this.politeness = workerConnection(this.config.redis.url);
    this.politeness.on('error', () => undefined);
    this.fetcher = configuredFetcher(this.config, this.politeness);
    this.connection = workerConnection(this.config.redis.url);
    this.connection.on('error', (err) => this.logger.warn(`Redis: ${err.message}`));
    this.worker = new Worker(
      CRAWL_QUEUE,
      async (job: Job) => {
        const handler = this.handlers[job.name as CrawlJobName] as ((j: Job) => Promise<void>) | undefined;
        if (!handler) throw new UnrecoverableError(`no handler for job name "${job.name}"`);
        await handler(job);
      },
      { connection: this.connection, prefix: this.config.redis.prefix, concurrency: c.concurrency },
    );
    this.worker.on('failed', (job, err) => this.logger.warn(`crawl job ${job?.id} (${job?.name}) failed: ${err.message}`));
    this.worker.on('error', (err) => this.logger.error(`worker: ${err.message}`));
    this.logger.log(`crawler started (concurrency ${c.concurrency}, ${c.allowHosts.length} allowed private host(s))`);
    if (!c.syncSchedules) return;
    this.sources
      .syncSchedules()
      .then((n) => this.logger.log(`${n} crawl source schedule(s) in place (Asia/Shanghai)`))
      .catch((err: unknown) => this.logger.warn(`could not sync crawl schedules: ${err instanceof Error ? err.message : String(err)}`));
  }

  private async runAs(runId: string, work: () => Promise<void>): Promise<void> {
    await this.runs.start(runId);
    try {
      await work();
      await this.runs.finish(runId, 'completed');
    } catch (err) {
      await this.runs.finish(runId, 'failed', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.fetcher?.close();
    this.connection?.disconnect();
    this.politeness?.disconnect();
    this.worker = null;
  }
}

/** A name-based UUID (version 5 layout) for a string, so that the run can be read at GET /api/crawl/runs/:id. */
function uuidFrom(name: string): string {
  const h = createHash('sha1').update(name).digest('hex').split('');
  h[12] = '5';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const x = h.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
