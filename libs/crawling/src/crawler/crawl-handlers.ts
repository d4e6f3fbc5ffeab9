import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import IORedis from 'ioredis';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { JobData, OnJob, PermanentJobError, workerConnection } from '@pl/jobs';
import { CRAWL_CONTRACT } from '../queue/crawl-contract';
import { configuredFetcher, Fetcher } from '../fetch';
import { CrawlRuns } from '../runs/crawl-runs.service';
import { CrawlSources } from '../sources/crawl-sources.service';
import { CrawlOperations } from './crawl-operations';

type Data<N extends keyof (typeof CRAWL_CONTRACT)['jobs'] & string> = JobData<typeof CRAWL_CONTRACT, N>;

/**
 * The handlers of the crawl queue (the jobs runtime runs them, see @pl/jobs):
 * source runs (scheduled or asked for) and confirmation passes. Each job
 * fills its crawl_runs row; a retried job starts its run's counts again, and
 * what it found twice changes nothing (the ingestion worker dedups and
 * refuses repeated transitions). On start the sources' schedules are put in
 * place.
 */
@Injectable()
export class CrawlHandlers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Crawler');
  private readonly politeness: IORedis;
  private readonly fetcher: Fetcher;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly operations: CrawlOperations,
    private readonly runs: CrawlRuns,
    private readonly sources: CrawlSources,
  ) {
    // The per-host politeness keys (delays, robots.txt) live in Redis, shared by every crawler process.
    this.politeness = workerConnection(config.redis.url);
    this.politeness.on('error', () => undefined);
    this.fetcher = configuredFetcher(config, this.politeness);
  }

  @OnJob(CRAWL_CONTRACT, 'crawl.source')
  async crawlSource(data: Data<'crawl.source'>, job: Job): Promise<void> {
    const source = await this.sources.get(data.sourceId).catch(() => {
      throw new PermanentJobError(`crawl source ${data.sourceId} does not exist`);
    });
    // A schedule left behind by a source disabled meanwhile fetches nothing (a run asked for by hand still runs).
    if (!data.runId && !source.enabled) {
      this.logger.warn(`crawl source ${source.id} is disabled: scheduled run skipped`);
      return;
    }
    // A scheduled job brings no run: derive one from the job's id, so that a retry fills the same run.
    const runId = data.runId ?? uuidFrom(String(job.id));
    if (!data.runId && !(await this.runs.find(runId))) await this.runs.create('source', { sourceId: source.id }, runId, String(job.id));
    await this.runAs(runId, () => this.operations.crawlSource(this.fetcher, runId, source, data.date));
  }

  @OnJob(CRAWL_CONTRACT, 'crawl.confirm')
  async confirm(data: Data<'crawl.confirm'>): Promise<void> {
    await this.runAs(data.runId, () => this.operations.confirmPlacements(this.fetcher, data.runId, data.organizationId, data.placementIds));
  }

  onApplicationBootstrap(): void {
    const c = this.config.crawler;
    this.logger.log(`crawler ready (${c.allowHosts.length} allowed private host(s))`);
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

  /** After the workers have drained (see @pl/jobs). */
  async onApplicationShutdown(): Promise<void> {
    await this.fetcher.close();
    this.politeness.disconnect();
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
