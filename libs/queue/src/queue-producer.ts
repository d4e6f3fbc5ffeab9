import { JobsOptions, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { QueueUnavailableError } from './ingestion-queue';
import { producerConnection } from './redis-connection';

/** How long an enqueue may take before it is reported as unavailable. */
const ENQUEUE_TIMEOUT_MS = 1000;

/**
 * A typed producer of one queue (job name → payload from the contract) that
 * fails fast: while Redis is down an enqueue throws QueueUnavailableError
 * within a second instead of waiting, so requests can answer 503.
 */
export class QueueProducer<Jobs extends object> {
  readonly queue: Queue;
  private readonly connection: IORedis;

  constructor(redisUrl: string, prefix: string, name: string, defaultJobOptions: JobsOptions) {
    this.connection = producerConnection(redisUrl);
    this.connection.on('error', () => undefined); // reported per call instead
    this.queue = new Queue(name, { connection: this.connection, prefix, defaultJobOptions });
    this.queue.on('error', () => undefined);
  }

  async add<N extends keyof Jobs & string>(name: N, data: Jobs[N], opts?: JobsOptions): Promise<void> {
    await this.failFast(() => this.queue.add(name, data, opts));
  }

  /** Runs a queue operation with the fail-fast budget. */
  async failFast<T>(op: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      throw new QueueUnavailableError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
