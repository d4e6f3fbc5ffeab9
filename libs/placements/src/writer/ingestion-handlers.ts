import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { JobData, OnJob, PermanentJobError } from '@pl/jobs';
import { INGESTION_CONTRACT, RecordPlacementsJob } from '../ingestion/contract';
import { GroupCommit } from './group-commit';
import { PlacementWriter, RecordOutcome } from './placement-writer';

type Data<N extends keyof (typeof INGESTION_CONTRACT)['jobs'] & string> = JobData<typeof INGESTION_CONTRACT, N>;

/**
 * The handlers of the ingestion queue (the jobs runtime runs them, see
 * @pl/jobs). Record jobs are group-committed: the jobs a worker holds at once
 * are written together, many per transaction. An entry that can never be
 * written (an unknown channel) is counted on its ingestion and fails its job
 * at once, after its valid neighbours are committed.
 */
@Injectable()
export class IngestionHandlers implements OnApplicationShutdown {
  private readonly commits: GroupCommit<RecordPlacementsJob, RecordOutcome>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly writer: PlacementWriter,
  ) {
    this.commits = new GroupCommit(
      (jobs) => this.writer.record(jobs),
      (job) => job.placements.length,
      config.ingestion.maxBatch,
    );
  }

  @OnJob(INGESTION_CONTRACT, 'placements.record')
  async record(data: Data<'placements.record'>): Promise<unknown> {
    const outcome = await this.commits.submit(data);
    if (outcome.refused.length > 0) {
      const sample = outcome.refused
        .slice(0, 5)
        .map((r) => `row ${r.row} ${r.field}: ${r.message}`)
        .join('; ');
      // The valid entries are committed; the refused ones can never succeed.
      throw new UnrecoverableError(`${outcome.refused.length} placement(s) refused: ${sample}`);
    }
    return { inserted: outcome.inserted, duplicates: outcome.duplicates, replayed: outcome.replayed };
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
  }

  @OnJob(INGESTION_CONTRACT, 'placement.set-status')
  setStatus(data: Data<'placement.set-status'>): Promise<unknown> {
    return this.writer.setStatus(data);
  }

  @OnJob(INGESTION_CONTRACT, 'placement.flag-link')
  flagLink(data: Data<'placement.flag-link'>): Promise<unknown> {
    return this.writer.flagLink(data);
  }

  /** After the workers have drained (see @pl/jobs): nothing is left in the group commit. */
  async onApplicationShutdown(): Promise<void> {
    await this.commits.idle();
  }
}
