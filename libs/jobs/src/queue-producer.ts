import { JobsOptions, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { producerConnection } from './';

/** Redis could not take the job: the caller answers 503, nothing was written. */
export class QueueUnavailableError extends Error {
  constructor(queue: string, cause: unknown) {
    super(`The ${queue} queue is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'QueueUnavailableError';
  }
}

/** How long an enqueue may take before it is reported as unavailable. */
export const ENQUEUE_TIMEOUT_MS = 1000;

/**
 * A typed producer of one queue (job name → payload from the contract) that
 * fails fast: while Redis is down an enqueue throws QueueUnavailableError
 * within a second instead of waiting, so requests can answer 503.
 */
export class QueueProducer<Jobs extends object> {
  readonly queue: Queue;
  /** The producer's connection, for the few keys a queue keeps beside its jobs. */
  readonly connection: IORedis;

  constructor(redisUrl: string, prefix: string, name: string, defaultJobOptions: JobsOptions) {
    this.connection = producerConnection(redisUrl);
    this.connection.on('error', () => undefined); // reported per call instead
    this.queue = new Queue(name, { connection: this.connection, prefix, defaultJobOptions });
    this.queue.on('error', () => undefined);
  }

  async add<N extends keyof Jobs & string>(name: N, data: Jobs[N], opts?: JobsOptions): Promise<void> {
    await this.failFast(() => this.queue.add(name, data, opts));
  }

  /** Resolves when the connection is ready, or rejects after `ms`. */
  ready(ms: number): Promise<void> {
    if (this.connection.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connection.off('ready', onReady);
        reject(new Error(`Redis connection is ${this.connection.status}`));
      }, ms);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.connection.once('ready', onReady);
    });
  }

  /**
   * Runs a queue operation within the fail-fast budget: a connection still
   * (re)connecting gets half of it to come up, the operation the rest.
   */
  async failFast<T>(op: () => Promise<T>): Promise<T> {
    const started = Date.now();
    if (this.connection.status !== 'ready') {
      await this.ready(ENQUEUE_TIMEOUT_MS / 2).catch((err: unknown) => {
        throw new QueueUnavailableError(this.queue.name, err);
      });
    }
    const budget = Math.max(100, ENQUEUE_TIMEOUT_MS - (Date.now() - started));
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ENQUEUE_TIMEOUT_MS} ms`)), budget);
        }),
      ]);
    } catch (err) {
      throw new QueueUnavailableError(this.queue.name, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** True when Redis answers a ping within a second. */
  async isHealthy(): Promise<boolean> {
    if (this.connection.status !== 'ready') return false;
    try {
      await Promise.race([
        this.connection.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ]);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
