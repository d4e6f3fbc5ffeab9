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

  /**
   * Why the job of a run (queued with the run's id as its job id) failed for
   * good, or null while it may still run or has not failed: BullMQ keeps
   * failed crawl jobs (removeOnFail: false). A job can fail without its
   * handler ending the run: a payload its schema refuses, or a job stalled
   * past BullMQ's limit (its process killed or blocked twice).
   */
  async gaveUp(runId: string): Promise<string | null> {
    const job = await this.producer.failFast(() => this.producer.queue.getJob(runId));
    if (!job) return null;
    const state = await this.producer.failFast(() => job.getState());
    return state === 'failed' ? job.failedReason || 'failed' : null;
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
