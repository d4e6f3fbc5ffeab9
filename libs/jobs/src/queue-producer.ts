import { JobsOptions, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { DomainError } from '@pl/domain';
import type { JobInput, JobName, QueueContract } from './queue-contract';

/**
 * Redis could not take the job; the HTTP mapper answers 503, the CLI exits 1.
 * `outcome` 'not-queued' (the default): nothing was written. 'unknown': the
 * commands went out and no answer came within the time the producer kept
 * sending them again (Redis unreachable all along): the job may be queued.
 */
export class QueueUnavailableError extends DomainError<'QUEUE_UNAVAILABLE'> {
  constructor(
    readonly queue: string,
    cause: unknown,
    readonly outcome: 'not-queued' | 'unknown' = 'not-queued',
    /** More for the client (the ingestion id whose status tells the outcome). */
    details: Record<string, unknown> = {},
  ) {
    const reason = `The ${queue} queue is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`;
    super(
      'QUEUE_UNAVAILABLE',
      'unavailable',
      outcome === 'unknown'
        ? `The ${queue} queue (Redis) stopped answering after the request was sent: it may have been recorded.`
        : `The ${queue} queue (Redis) is unavailable: nothing was recorded. Try again shortly.`,
      [{ field: 'queue', message: reason }],
      outcome === 'unknown'
        ? `${queue} 队列（Redis）在提交后停止响应，可能已记录`
        : `${queue} 队列（Redis）暂时不可用，未记录任何内容，请稍后重试`,
      { outcome, ...details },
    );
    this.name = 'QueueUnavailableError';
  }
}

/** How long an enqueue may take before it is reported as unavailable. */
export const ENQUEUE_TIMEOUT_MS = 1000;

/** Resolves when the connection is ready, or rejects after `ms`. */
export function connectionReady(connection: IORedis, ms: number): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.off('ready', onReady);
      reject(new Error(`Redis connection is ${connection.status}`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    connection.once('ready', onReady);
  });
}

/**
 * A typed producer of one queue (job name → payload from its contract) on the
 * process's producer connection, that fails fast: while Redis is down an
 * enqueue throws QueueUnavailableError within a second instead of waiting,
 * so requests can answer 503.
 */
export class QueueProducer<C extends QueueContract> {
  private made: Queue | null = null;

  constructor(
    /** The process's producer connection (JobsConnections.producer), shared by every producer. */
    readonly connection: IORedis,
    private readonly prefix: string,
    readonly contract: C,
  ) {}

  /**
   * The BullMQ queue, made on first use: BullMQ connects as soon as a queue is
   * made, and a process that never queues (the CLI rendering a report) must
   * not need Redis.
   */
  get queue(): Queue {
    if (!this.made) {
      this.made = new Queue(this.contract.name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: this.contract.jobOptions });
      this.made.on('error', () => undefined); // reported per call instead
    }
    return this.made;
  }

  async add<N extends JobName<C>>(name: N, data: JobInput<C, N>, opts?: JobsOptions): Promise<void> {
    await this.failFast(() => this.queue.add(name, data, opts));
  }

  /**
   * Runs a queue operation within the fail-fast budget: a connection still
   * (re)connecting gets half of it to come up, the operation the rest.
   */
  async failFast<T>(op: () => Promise<T>): Promise<T> {
    const started = Date.now();
    if (this.connection.status !== 'ready') {
      await connectionReady(this.connection, ENQUEUE_TIMEOUT_MS / 2).catch((err: unknown) => {
        throw new QueueUnavailableError(this.contract.name, err);
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
      throw new QueueUnavailableError(this.contract.name, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Why a job failed for good (BullMQ's failedReason), or null while it may
   * still run, when it has not failed, or when the queue does not hold it.
   * Answers after the fact only for contracts that keep failed jobs
   * (removeOnFail: false). A job can fail without its handler recording it:
   * a payload its schema refuses, or a job stalled past BullMQ's limit (its
   * process killed or blocked twice). QueueUnavailableError while Redis is down.
   */
  async failedForGood(jobId: string): Promise<string | null> {
    // The state first, then the job: BullMQ writes the reason and the failed state in one script, so
    // the job read after a 'failed' state has its reason. Read the other way round, a job that failed
    // between the two reads came without it (seen in the crawl suites: "failed" as the reason).
    const state = await this.failFast(() => this.queue.getJobState(jobId));
    if (state !== 'failed') return null;
    const job = await this.failFast(() => this.queue.getJob(jobId));
    return job?.failedReason || 'failed';
  }

  /** Closes the queue; the shared connection is closed by JobsConnections. */
  async close(): Promise<void> {
    await this.made?.close().catch(() => undefined);
  }
}
