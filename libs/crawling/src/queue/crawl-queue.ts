import { Injectable } from '@nestjs/common';
import { JobsConnections, QueueProducer } from '@pl/jobs';
import { CRAWL_CONTRACT, CRAWL_JOB_OPTIONS, CrawlConfirmJob, CrawlSourceJob } from './crawl-contract';

/** Scheduler id of a source's cron schedule. */
export const sourceSchedulerId = (sourceId: number): string => `crawl-source-${sourceId}`;

/** The producer side of the crawl queue, and the sources' schedules (BullMQ job schedulers). */
@Injectable()
export class CrawlQueue {
  private readonly producer: QueueProducer<typeof CRAWL_CONTRACT>;

  constructor(connections: JobsConnections) {
    this.producer = connections.producerOf(CRAWL_CONTRACT);
  }

  runSource(data: CrawlSourceJob): Promise<void> {
    return this.producer.add('crawl.source', data, data.runId ? { jobId: data.runId } : undefined);
  }

  confirm(data: CrawlConfirmJob): Promise<void> {
    return this.producer.add('crawl.confirm', data, { jobId: data.runId });
  }

  /** Why a run's job (CrawlRuns.jobIdOf: the run's id, or a scheduled run's job) failed for good, or null (QueueProducer.failedForGood). */
  gaveUp(jobId: string): Promise<string | null> {
    return this.producer.failedForGood(jobId);
  }

  /** Runs the source on a cron schedule, in Asia/Shanghai time; replaces its previous schedule. */
  async schedule(sourceId: number, cron: string): Promise<void> {
    await this.producer.failFast(() =>
      this.producer.queue.upsertJobScheduler(
        sourceSchedulerId(sourceId),
        { pattern: cron, tz: 'Asia/Shanghai' },
        { name: 'crawl.source', data: { sourceId } satisfies CrawlSourceJob, opts: CRAWL_JOB_OPTIONS },
      ),
    );
  }

  async unschedule(sourceId: number): Promise<void> {
    await this.producer.failFast(() => this.producer.queue.removeJobScheduler(sourceSchedulerId(sourceId)));
  }

  /** The next time the source runs by schedule (epoch ms), if it has one. */
  async nextRun(sourceId: number): Promise<number | null> {
    const s = await this.producer.failFast(() => this.producer.queue.getJobScheduler(sourceSchedulerId(sourceId)));
    return s?.next ?? null;
  }
}
