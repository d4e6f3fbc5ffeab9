import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { JobData, OnJob, PermanentJobError } from '@pl/jobs';
import { isRefusedData } from '@pl/persistence';
import { INGESTION_CONTRACT, RecordPlacementsJob } from '../ingestion/contract';
import { GroupCommit } from './group-commit';
import { PlacementWriter, RecordOutcome } from './placement-writer';

type Data<N extends keyof (typeof INGESTION_CONTRACT)['jobs'] & string> = JobData<typeof INGESTION_CONTRACT, N>;

/**
 * The handlers of the ingestion queue (the jobs runtime runs them, see
 * @pl/jobs). Record jobs are group-committed: the jobs a worker holds at once
 * are written together, many per transaction. An entry that can never be
 * written (an unknown channel, a draft its schema refuses, a row the
 * database itself refuses: see PlacementWriter.recordRefusingBadRows) is counted as
 * rejected on its ingestion with its neighbours committed, and its job
 * completes with the reason in its result: nothing retries forever, and the
 * ingestion ends. Only a payload that fails its schema as a whole fails its
 * job (UnrecoverableError, by the jobs runtime).
 */
@Injectable()
export class IngestionHandlers implements OnApplicationShutdown {
  private readonly commits: GroupCommit<RecordPlacementsJob, RecordOutcome>;
  private readonly logger = new Logger('Ingestion');

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly writer: PlacementWriter,
  ) {
    this.commits = new GroupCommit(
      // A job alone that the database refuses (GroupCommit writes each job of a failed flush alone)
      // is written without the drafts it refuses, counted as rejected with the database's reason.
      async (jobs) => {
        try {
          return await this.writer.record(jobs);
        } catch (err) {
          if (jobs.length !== 1 || !isRefusedData(err)) throw err;
          return [await this.writer.recordRefusingBadRows(jobs[0])];
        }
      },
      (job) => job.placements.length,
      config.ingestion.maxBatch,
    );
  }

  @OnJob(INGESTION_CONTRACT, 'placements.record')
  async record(data: Data<'placements.record'>): Promise<unknown> {
    const outcome = await this.commits.submit(data);
    this.reportRefused([{ ingestionId: data.ingestionId, outcome }]);
    return { inserted: outcome.inserted, duplicates: outcome.duplicates, replayed: outcome.replayed, rejected: outcome.refused };
  }

  @OnJob(INGESTION_CONTRACT, 'placements.record-batch')
  async recordBatch({ records }: Data<'placements.record-batch'>): Promise<unknown> {
    // Each record goes into the group commit on its own: claimed, deduplicated and counted alone.
    const settled = await Promise.allSettled(records.map((r) => this.commits.submit(r)));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    // Retry while any failure may pass next time: the records already committed are replays then.
    const transient = failures.find((e) => !(e instanceof PermanentJobError));
    if (transient !== undefined) throw transient;
    if (failures.length > 0) throw failures[0];
    const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    this.reportRefused(outcomes.map((outcome, i) => ({ ingestionId: records[i].ingestionId, outcome })));
    return {
      records: records.length,
      inserted: outcomes.reduce((n, o) => n + o.inserted, 0),
      duplicates: outcomes.reduce((n, o) => n + o.duplicates, 0),
      replayed: outcomes.filter((o) => o.replayed).length,
      rejected: outcomes.flatMap((o, i) => o.refused.map((r) => ({ ingestionId: records[i].ingestionId, ...r }))),
    };
  }

  /**
   * Entries that can never be written (an unknown channel, text that cannot
   * be stored) were counted as rejected on their ingestions, in the same
   * transaction as their neighbours: the job completes — a retry could not
   * change them — with the reasons in its result, and they are logged.
   */
  private reportRefused(outcomes: { ingestionId: string; outcome: RecordOutcome }[]): void {
    const refused = outcomes.flatMap(({ ingestionId, outcome }) => outcome.refused.map((r) => ({ ingestionId, ...r })));
    if (refused.length === 0) return;
    const sample = refused
      .slice(0, 5)
      .map((r) => `ingestion ${r.ingestionId} row ${r.row} ${r.field}: ${r.message}`)
      .join('; ');
    this.logger.warn(`${refused.length} placement(s) refused, counted as rejected: ${sample}${refused.length > 5 ? '; …' : ''}`);
  }

  @OnJob(INGESTION_CONTRACT, 'placement.set-status')
  setStatus(data: Data<'placement.set-status'>): Promise<unknown> {
    return this.writer.setStatus(data);
  }

  @OnJob(INGESTION_CONTRACT, 'placement.flag-link')
  flagLink(data: Data<'placement.flag-link'>): Promise<unknown> {
    return this.writer.flagLink(data);
  }

  @OnJob(INGESTION_CONTRACT, 'placement.edit')
  edit(data: Data<'placement.edit'>): Promise<unknown> {
    return this.writer.edit(data);
  }

  @OnJob(INGESTION_CONTRACT, 'placement.withdraw')
  withdraw(data: Data<'placement.withdraw'>): Promise<unknown> {
    return this.writer.withdraw(data);
  }

  @OnJob(INGESTION_CONTRACT, 'placement.restore')
  restore(data: Data<'placement.restore'>): Promise<unknown> {
    return this.writer.restore(data);
  }

  /** After the workers have drained (see @pl/jobs): nothing is left in the group commit. */
  async onApplicationShutdown(): Promise<void> {
    await this.commits.idle();
  }
}
