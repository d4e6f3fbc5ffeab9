import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Ingestion, SqlDialect } from '../../persistence/src';
import { LedgerError } from './ledger-errors';

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
}

/** What the API records of a submission; the worker adds its counts. */
@Injectable()
export class IngestionsService {
  private readonly sql: SqlDialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlDialect(dataSource);
  }

  /** Records what arrived at the edge. Safe to call after the worker has already counted. */
  async recordReceived(input: {
    id: string;
    organizationId: number;
    kind: Ingestion['kind'];
    received: number;
    accepted: number;
    rejected: number;
  }): Promise<void> {
    const p = (n: number) => this.sql.param(n);
    const now = this.sql.timestamp(new Date());
    await this.dataSource.query(
      `INSERT INTO ingestions (id, organization_id, kind, received, accepted, rejected, created_at, updated_at)
       VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)})
       ON CONFLICT (id) DO UPDATE SET
         kind = excluded.kind,
         received = excluded.received,
         accepted = excluded.accepted,
         rejected = ingestions.rejected + excluded.rejected`,
      [input.id, input.organizationId, input.kind, input.received, input.accepted, input.rejected, now, now],
    );
  }

  async get(id: string): Promise<IngestionView> {
    const row = await this.dataSource.getRepository(Ingestion).findOneBy({ id });
    if (!row) throw LedgerError.notFound('ingestion', 'id', id);
    return toView(row);
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
  };
}
