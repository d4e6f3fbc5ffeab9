import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { INGESTION_QUEUE, IngestionJobName, IngestionJobs, RecordPlacementsJob } from '../ingestion/contract';
import { workerConnection } from '@pl/jobs';
import { GroupCommit } from './group-commit';
import { PermanentJobError, PlacementWriter, RecordOutcome } from './placement-writer';

type Handlers = { [N in IngestionJobName]: (job: Job<IngestionJobs[N], unknown, N>) => Promise<unknown> };

/**
 * The BullMQ worker of the ingestion queue. Every job name of the contract
 * has exactly one handler (the Handlers type makes a missing one a compile
 * error). Record jobs are group-committed; a job that can never succeed
 * fails at once with UnrecoverableError and stays in the failed set.
 */
@Injectable()
export class IngestionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IngestionWorker.name);
  private worker: Worker | null = null;
  private connection: IORedis | null = null;
  private readonly commits: GroupCommit<RecordPlacementsJob, RecordOutcome>;

  private readonly handlers: Handlers = {
    'placements.record': async (job) => {
      const outcome = await this.commits.submit(job.data);
      if (outcome.refused.length > 0) {
        const sample = outcome.refused
          .slice(0, 5)
          .map((r) => `row ${r.row} ${r.field}: ${r.message}`)
          .join('; ');
        // The valid entries are committed; the refused ones can never succeed.
        throw new UnrecoverableError(`${outcome.refused.length} placement(s) refused: ${sample}`);
      }
      return { inserted: outcome.inserted, duplicates: outcome.duplicates, replayed: outcome.replayed };
    },
    'placements.record-batch': async (job) => {
      const records = job.data?.records;
      if (!Array.isArray(records)) throw new UnrecoverableError('a record batch must carry a list of records');
      // Each record goes into the group commit on its own: claimed, deduplicated and counted alone.
      const settled = await Promise.allSettled(records.map((r) => this.commits.submit(r)));
      const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      // Retry while any failure may pass next time: the records already committed are replays then.
      const transient = failures.find((e) => !(e instanceof PermanentJobError));
      if (transient !== undefined) throw transient;
      if (failures.length > 0) throw failures[0];
      const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const refused = outcomes.flatMap((o, i) => o.refused.map((r) => ({ ingestionId: records[i].ingestionId, ...r })));
      if (refused.length > 0) {
        const sample = refused
          .slice(0, 5)
          .map((r) => `ingestion ${r.ingestionId} row ${r.row} ${r.field}: ${r.message}`)
          .join('; ');
        throw new UnrecoverableError(`${refused.length} placement(s) refused: ${sample}`);
      }
      return {
        records: records.length,
        inserted: outcomes.reduce((n, o) => n + o.inserted, 0),
        duplicates: outcomes.reduce((n, o) => n + o.duplicates, 0),
        replayed: outcomes.filter((o) => o.replayed).length,
      };
    },
    'placement.set-status': async (job) => this.writer.setStatus(job.data),
    'placement.flag-link': async (job) => this.writer.flagLink(job.data),
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: PlacementWriter,
  ) {
    this.commits = new GroupCommit(
      (jobs) => this.writer.record(jobs),
      (job) => job.placements.length,
      config.ingestion.maxBatch,
    );
  }

  onApplicationBootstrap(): void {
    this.connection = workerConnection(this.config.redis.url);
    this.connection.on('error', (err) => this.logger.warn(`Redis: ${err.message}`));
    this.worker = new Worker(
      INGESTION_QUEUE,
      async (job: Job) => {
        const handler = this.handlers[job.name as IngestionJobName] as ((j: Job) => Promise<unknown>) | undefined;
        if (!handler) throw new UnrecoverableError(`no handler for job name "${job.name}"`);
        try {
          return await handler(job);
        } catch (err) {
          if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      {
        connection: this.connection,
        prefix: this.config.redis.prefix,
        concurrency: this.config.ingestion.concurrency,
        lockDuration: this.config.ingestion.lockMs,
        stalledInterval: this.config.ingestion.stalledIntervalMs,
        autorun: true,
      },
    );
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`job ${job?.id} (${job?.name}) failed: ${err.message}`),
    );
    this.worker.on('error', (err) => this.logger.error(`worker: ${err.message}`));
    this.logger.log(`ingestion worker started (concurrency ${this.config.ingestion.concurrency})`);
  }

  /** Stops taking jobs, lets those in flight finish and commit, then closes. */
  async onApplicationShutdown(signal?: string): Promise<void> {
    if (!this.worker) return;
    this.logger.log(`draining ingestion worker${signal ? ` on ${signal}` : ''}`);
    await this.worker.close();
    await this.commits.idle();
    this.connection?.disconnect();
    this.worker = null;
    this.logger.log('ingestion worker drained');
  }
}
