import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@pl/config';
import type { QueueContract } from './queue-contract';
import { connectionReady, QueueProducer } from './queue-producer';
import { producerConnection, workerConnection } from './redis-connection';

export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

export interface JobsOptions {
  /**
   * false: the producer connection is not opened at start, only when a job is
   * first queued (the CLI's report commands run while Redis is down).
   * Default true: a process that serves requests connects at once.
   */
  connect?: boolean;
}

/**
 * The process's Redis connections: one for every producer (queues are many,
 * the connection is one), and one per worker, made on demand. Closed at
 * shutdown, after the workers have drained.
 */
@Injectable()
export class JobsConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  readonly producer: IORedis;
  private readonly workers: IORedis[] = [];
  private readonly producers: QueueProducer<QueueContract>[] = [];

  private readonly connectAtStart: boolean;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(JOBS_OPTIONS) options: JobsOptions = {},
  ) {
    this.connectAtStart = options.connect ?? true;
    this.producer = producerConnection(config.redis.url, { lazyConnect: !this.connectAtStart });
    this.producer.on('error', () => undefined); // reported per call (QueueUnavailableError) and by /health
  }

  get prefix(): string {
    return this.config.redis.prefix;
  }

  /** Starts serving once connected (for a few seconds at most: later requests get 503s). */
  async onModuleInit(): Promise<void> {
    if (this.connectAtStart) await connectionReady(this.producer, 5000).catch(() => undefined);
  }

  /** A typed producer of the contract's queue on the producer connection, closed with it. */
  producerOf<C extends QueueContract>(contract: C): QueueProducer<C> {
    const producer = new QueueProducer(this.producer, this.config.redis.prefix, contract);
    this.producers.push(producer as unknown as QueueProducer<QueueContract>);
    return producer;
  }

  /** A new connection for a worker (blocking commands wait for Redis to come back). */
  forWorker(name: string): IORedis {
    const connection = workerConnection(this.config.redis.url);
    connection.on('error', (err) => this.logger.warn(`Redis (${name} worker): ${err.message}`));
    this.workers.push(connection);
    return connection;
  }

  /** True when Redis answers a ping on the producer connection within a second. */
  async isHealthy(): Promise<boolean> {
    if (this.producer.status !== 'ready') return false;
    try {
      await Promise.race([
        this.producer.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ]);
      return true;
    } catch {
      return false;
    }
  }

  /** After the workers have drained (JobWorkers.beforeApplicationShutdown): the queues, then the connections. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.close()));
    for (const c of this.workers) c.disconnect();
    this.producer.disconnect();
  }
}
