import { Injectable } from '@nestjs/common';
import { DomainError } from '@pl/domain';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Ingestion, SqlDialect, write } from '@pl/persistence';
import { IngestionQueue } from '../ingestion/ingestion-queue';

export type IngestionState = 'queued' | 'processing' | 'completed';

export interface IngestionView {
  id: string;
  kind: Ingestion['kind'];
  state: IngestionState;
  received: number;
  accepted: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  /**
   * Why the worker refused a change to a placement that the edge had accepted (an edit, a
   * withdrawal, a restoration): the code and messages the edge gives the same case, the field, and
   * for a duplicate the placement it would duplicate. Only on such an ingestion.
   */
  refusal?: { code: string; field: string; message: string; messageZh: string; duplicateOf?: { id: number; title: string; status: string } };
}

/** What arrived at the edge for one submission. */
export interface ReceivedSubmission {
  id: string;
  organizationId: number;
  kind: Ingestion['kind'];
  received: number;
  accepted: number;
  rejected: number;
}

/** What the API records of a submission; the worker adds its counts. */
@Injectable()
export class IngestionsService {
  private readonly sql: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: IngestionQueue,
  ) {
    this.sql = new SqlDialect(dataSource);
  }

  /** Records what arrived at the edge. Safe to call after the worker has already counted. */
  async recordReceived(input: ReceivedSubmission): Promise<void> {
    const now = this.sql.timestamp(new Date());
    await write(this.dataSource, (em) => em.query(
      `INSERT INTO ingestions (id, organization_id, kind, received, accepted, rejected, created_at, updated_at)
       VALUES ${this.sql.valuesList(1, 8)}
       ON CONFLICT (id) DO UPDATE SET
         kind = excluded.kind,
         received = excluded.received,
         accepted = excluded.accepted,
         rejected = ingestions.rejected + excluded.rejected`,
      [input.id, input.organizationId, input.kind, input.received, input.accepted, input.rejected, now, now],
    ));
  }

  /** The ingestion's row once the worker (or the API) has written it; before that, its receipt in Redis. */
  async get(id: string): Promise<IngestionView> {
    const row = await this.dataSource.getRepository(Ingestion).findOneBy({ id });
    if (row) return toView(row);
    const receipt = await this.queue.pendingReceipt(id);
    const notFound = () => DomainError.notFound('INGESTION_NOT_FOUND', 'ingestion', '提交批次', 'id', id);
    if (!receipt) throw notFound();
    if (receipt.jobId && !(await this.queue.jobExists(receipt.jobId))) {
      // The receipt went out without its job (an answer lost, the job's command with it), or the
      // worker has just written the row and the job is gone: only the row tells.
      const written = await this.dataSource.getRepository(Ingestion).findOneBy({ id });
      if (written) return toView(written);
      throw notFound();
    }
    const { id: _id, organizationId: _org, jobId: _job, ...counts } = receipt;
    return { id, state: 'queued', ...counts, inserted: 0, duplicates: 0 };
  }
}

export function toView(row: Ingestion): IngestionView {
  const processed = row.inserted + row.duplicates + row.workerRejected;
  const state: IngestionState =
    row.accepted > 0 && processed >= row.accepted ? 'completed' : row.accepted === 0 && row.received > 0 ? 'completed' : processed > 0 ? 'processing' : 'queued';
  return {
    id: row.id,
    kind: row.kind,
    state,
    received: row.received,
    accepted: row.accepted,
    inserted: row.inserted,
    duplicates: row.duplicates,
    rejected: row.rejected,
    ...(row.refusal ? { refusal: JSON.parse(row.refusal) as IngestionView['refusal'] } : {}),
  };
}
