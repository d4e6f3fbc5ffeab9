import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/src';
import { REPORT_JOB_OPTIONS, REPORTS_QUEUE, RenderReportJob } from './contract';
import { QueueUnavailableError } from './ingestion-queue';
import { producerConnection } from './redis-connection';

/** How long an enqueue may take before it is reported as unavailable. */
const ENQUEUE_TIMEOUT_MS = 1000;

/** The producer side of the reports queue (large reports rendered by the worker). */
@Injectable()
export class ReportQueue implements OnModuleDestroy {
  private readonly connection: IORedis;
  private readonly queue: Queue;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = producerConnection(config.redis.url);
    this.connection.on('error', () => undefined); // reported per request instead
    this.queue = new Queue(REPORTS_QUEUE, {
      connection: this.connection,
      prefix: config.redis.prefix,
      defaultJobOptions: REPORT_JOB_OPTIONS,
    });
    this.queue.on('error', () => undefined);
  }

  /** Queues one rendering (the report job's id is the queue job's id), or throws QueueUnavailableError. */
  async enqueue(data: RenderReportJob): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add('report.render', data, { jobId: data.reportJobId }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      throw new QueueUnavailableError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
