import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/src';
import { INGESTION_JOB_OPTIONS, INGESTION_QUEUE, IngestionJob, RecordPlacementsJob } from './contract';
import { producerConnection } from './redis-connection';

/** Redis could not take the job: the caller answers 503, nothing was written. */
export class QueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The ingestion queue is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'QueueUnavailableError';
  }
}

/** How long an enqueue may take before it is reported as unavailable. */
const ENQUEUE_TIMEOUT_MS = 1000;

/** Most placements one packed 'placements.record-batch' job carries (a bulk chunk's size). */
const PACK_MAX_PLACEMENTS = 500;

interface PendingEnqueue {
  jobs: IngestionJob[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The jobs to add for what several callers asked for at once. A call that is
 * one small record job (a single submission) may share a queue job with other
 * such calls: they are packed, up to PACK_MAX_PLACEMENTS placements, into
 * 'placements.record-batch' jobs, and one alone stays as it is. Calls of
 * several jobs (a bulk or an import, already split into chunks) go unchanged.
 */
export function packJobs(calls: IngestionJob[][]): IngestionJob[] {
  const out: IngestionJob[] = [];
  let pack: RecordPlacementsJob[] = [];
  let size = 0;
  const close = () => {
    if (pack.length === 1) out.push({ name: 'placements.record', data: pack[0] });
    else if (pack.length > 1) out.push({ name: 'placements.record-batch', data: { records: pack } });
    pack = [];
    size = 0;
  };
  for (const jobs of calls) {
    const [job] = jobs;
    if (
      jobs.length !== 1 ||
      job.name !== 'placements.record' ||
      !Array.isArray(job.data.placements) ||
      job.data.placements.length >= PACK_MAX_PLACEMENTS
    ) {
      out.push(...jobs);
      continue;
    }
    if (size + job.data.placements.length > PACK_MAX_PLACEMENTS) close();
    pack.push(job.data);
    size += job.data.placements.length;
  }
  close();
  return out;
}

/** The producer side of the ingestion queue. The only way to ask for a placement write. */
@Injectable()
export class IngestionQueue implements OnModuleInit, OnModuleDestroy {
  private readonly connection: IORedis;
  readonly queue: Queue;
  /** Calls waiting for the next flush (one per event-loop turn). */
  private pending: PendingEnqueue[] = [];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = producerConnection(config.redis.url);
    this.connection.on('error', () => undefined); // reported per request instead
    this.queue = new Queue(INGESTION_QUEUE, {
      connection: this.connection,
      prefix: config.redis.prefix,
      defaultJobOptions: INGESTION_JOB_OPTIONS,
    });
    this.queue.on('error', () => undefined);
  }

  /** Starts serving once connected (for a few seconds at most: later requests get 503s). */
  async onModuleInit(): Promise<void> {
    await this.ready(5000).catch(() => undefined);
  }

  /** Resolves when the connection is ready, or rejects after `ms`. */
  private ready(ms: number): Promise<void> {
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
   * Enqueues all jobs at once, or throws QueueUnavailableError within a
   * second. Calls made in the same event-loop turn (concurrent requests under
   * load) share one round trip: their jobs go in one addBulk, single
   * submissions packed together (see packJobs), and all of them succeed or
   * fail together. A call alone is sent as it is, after at most one turn.
   */
  enqueue(jobs: IngestionJob[]): Promise<void> {
    if (jobs.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ jobs, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const calls = this.pending;
    this.pending = [];
    try {
      await this.add(packJobs(calls.map((c) => c.jobs)));
      for (const c of calls) c.resolve();
    } catch (err) {
      for (const c of calls) c.reject(err);
    }
  }

  private async add(jobs: IngestionJob[]): Promise<void> {
    const started = Date.now();
    if (this.connection.status !== 'ready') {
      // Still connecting or reconnecting: give it part of the budget, then fail fast.
      await this.ready(ENQUEUE_TIMEOUT_MS / 2).catch((err: unknown) => {
        throw new QueueUnavailableError(err);
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const budget = Math.max(100, ENQUEUE_TIMEOUT_MS - (Date.now() - started));
    try {
      await Promise.race([
        this.queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data }))),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ENQUEUE_TIMEOUT_MS} ms`)), budget);
        }),
      ]);
    } catch (err) {
      throw new QueueUnavailableError(err);
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

  async onModuleDestroy(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
