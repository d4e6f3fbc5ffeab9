import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  CREATION_EVENT,
  FieldError,
  PlacementDraft,
  PlacementEventType,
  STATUS_TRANSITIONS,
  parsePlacementDraft,
  placementDedupKey,
  yearMonthOf,
} from '../../domain/src';
import { SqlDialect } from '../../persistence/src';
import type { RecordPlacementsJob, SetPlacementStatusJob } from '../../queue/src';

/** A refused entry of a job, reported on the failed job. */
export interface RefusedEntry extends FieldError {
  row: number | undefined;
}

export interface RecordOutcome {
  /** The job had already been committed (a replay after a crash): nothing changed. */
  replayed: boolean;
  inserted: number;
  duplicates: number;
  refused: RefusedEntry[];
}

/** The job can never succeed, whatever the retries. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

const PLACEMENT_COLUMNS = [
  'organization_id', 'channel_id', 'title', 'url', 'published_on', 'year', 'month', 'section',
  'prominence', 'genre', 'authors', 'note', 'source', 'status', 'dedup_key', 'created_at', 'updated_at',
];
const EVENT_COLUMNS = ['placement_id', 'organization_id', 'type', 'actor', 'ingestion_id', 'data', 'occurred_at'];
/** Rows per INSERT statement: keeps the parameter count under both databases' limits. */
const ROWS_PER_STATEMENT = 500;

interface Candidate {
  job: number;
  draft: PlacementDraft;
  key: string;
}

/**
 * Writes placements and their events: the only code that writes the
 * placements table. Each call is one transaction covering many jobs.
 */
@Injectable()
export class PlacementWriter {
  private readonly sql: SqlDialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlDialect(dataSource);
  }

  /**
   * Records the placements of several jobs in one transaction: dedups by the
   * unique (organization, dedup key) index, writes one creation event per new
   * placement and adds the counts to each ingestion. Invalid drafts are
   * refused and counted, never written.
   */
  async record(jobs: RecordPlacementsJob[]): Promise<RecordOutcome[]> {
    return this.dataSource.transaction((em) => this.recordIn(em, jobs));
  }

  private async recordIn(em: EntityManager, jobs: RecordPlacementsJob[]): Promise<RecordOutcome[]> {
    const now = new Date();
    const outcomes: RecordOutcome[] = jobs.map(() => ({ replayed: false, inserted: 0, duplicates: 0, refused: [] }));

    const fresh = await this.claimChunks(em, jobs.map((j) => [j.ingestionId, j.chunk]));
    const orgIds = await this.existingIds(em, 'organizations', jobs.map((j) => j.organizationId));
    const channelIds = await this.existingIds(
      em,
      'channels',
      jobs.flatMap((j) => j.placements.map((p) => (p as { channelId?: unknown }).channelId)),
    );

    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    jobs.forEach((job, i) => {
      if (!fresh[i]) {
        outcomes[i].replayed = true;
        return;
      }
      if (!orgIds.has(job.organizationId)) {
        throw new PermanentJobError(`organization ${job.organizationId} does not exist`);
      }
      job.placements.forEach((raw, index) => {
        const row = (raw as { row?: number }).row ?? index;
        const parsed = parsePlacementDraft(raw);
        if (!parsed.ok) {
          outcomes[i].refused.push(...parsed.errors.map((e) => ({ row, ...e })));
          return;
        }
        const draft = parsed.value;
        if (!channelIds.has(draft.channelId)) {
          outcomes[i].refused.push({ row, field: 'channel', message: `unknown channel id ${draft.channelId}` });
          return;
        }
        const key = placementDedupKey(draft);
        const scoped = `${job.organizationId}|${key}`;
        if (seen.has(scoped)) {
          outcomes[i].duplicates++;
          return;
        }
        seen.add(scoped);
        candidates.push({ job: i, draft, key });
      });
    });

    const inserted = await this.insertPlacements(em, jobs, candidates, now);
    for (const c of candidates) {
      if (inserted.has(`${jobs[c.job].organizationId}|${c.key}`)) outcomes[c.job].inserted++;
      else outcomes[c.job].duplicates++;
    }

    const events: unknown[][] = [];
    for (const c of candidates) {
      const job = jobs[c.job];
      const id = inserted.get(`${job.organizationId}|${c.key}`);
      if (id === undefined) continue;
      events.push([id, job.organizationId, CREATION_EVENT[job.source], job.actor, job.ingestionId, null, this.sql.timestamp(now)]);
    }
    await this.insertRows(em, 'placement_events', EVENT_COLUMNS, events);

    await this.addToIngestions(
      em,
      jobs.map((job, i) => ({ job, outcome: outcomes[i] })).filter(({ outcome }) => !outcome.replayed),
      now,
    );
    return outcomes;
  }

  /**
   * Applies a status change (confirm, reject, dismiss) and appends its event.
   * Throws PermanentJobError when the placement is missing or the change is
   * not allowed from its current status.
   */
  async setStatus(job: SetPlacementStatusJob): Promise<{ replayed: boolean }> {
    return this.dataSource.transaction(async (em) => {
      const now = new Date();
      const [fresh] = await this.claimChunks(em, [[job.ingestionId, 0]]);
      if (!fresh) return { replayed: true };
      const p = this.sql.param.bind(this.sql);
      const rows: { status: string }[] = await em.query(
        `SELECT status FROM placements WHERE id = ${p(1)} AND organization_id = ${p(2)}`,
        [job.placementId, job.organizationId],
      );
      if (rows.length === 0) throw new PermanentJobError(`placement ${job.placementId} does not exist`);
      const from = rows[0].status as keyof typeof STATUS_TRANSITIONS;
      if (!STATUS_TRANSITIONS[from]?.includes(job.status)) {
        throw new PermanentJobError(`placement ${job.placementId} cannot go from ${from} to ${job.status}`);
      }
      await em.query(
        `UPDATE placements SET status = ${p(1)}, updated_at = ${p(2)} WHERE id = ${p(3)}`,
        [job.status, this.sql.timestamp(now), job.placementId],
      );
      const data: Record<string, unknown> = { from };
      if (job.reason) data.reason = job.reason;
      if (job.evidence) data.evidence = job.evidence;
      await this.insertRows(em, 'placement_events', EVENT_COLUMNS, [
        [job.placementId, job.organizationId, job.status as PlacementEventType, job.actor, job.ingestionId, JSON.stringify(data), this.sql.timestamp(now)],
      ]);
      await this.addToIngestions(
        em,
        [{ job: { ...job, accepted: 1 }, outcome: { replayed: false, inserted: 1, duplicates: 0, refused: [] } }],
        now,
      );
      return { replayed: false };
    });
  }

  /** Marks each (ingestion, chunk) as committed; false for those already marked. */
  private async claimChunks(em: EntityManager, chunks: [string, number][]): Promise<boolean[]> {
    const claimed = new Set<string>();
    for (let i = 0; i < chunks.length; i += ROWS_PER_STATEMENT) {
      const part = chunks.slice(i, i + ROWS_PER_STATEMENT);
      const rows: { ingestion_id: string; chunk: number }[] = await em.query(
        `INSERT INTO ingestion_chunks (ingestion_id, chunk) VALUES ${this.sql.valuesList(part.length, 2)}
         ON CONFLICT (ingestion_id, chunk) DO NOTHING RETURNING ingestion_id, chunk`,
        part.flat(),
      );
      for (const r of rows) claimed.add(`${r.ingestion_id}|${Number(r.chunk)}`);
    }
    // A chunk named twice in one batch is claimed by its first job only.
    const firstSeen = new Set<string>();
    return chunks.map(([id, chunk]) => {
      const k = `${id}|${chunk}`;
      if (!claimed.has(k) || firstSeen.has(k)) return false;
      firstSeen.add(k);
      return true;
    });
  }

  private async existingIds(em: EntityManager, table: 'organizations' | 'channels', ids: unknown[]): Promise<Set<number>> {
    const wanted = [...new Set(ids.filter((id): id is number => Number.isInteger(id)))];
    const found = new Set<number>();
    for (let i = 0; i < wanted.length; i += ROWS_PER_STATEMENT) {
      const part = wanted.slice(i, i + ROWS_PER_STATEMENT);
      const rows: { id: number }[] = await em.query(
        `SELECT id FROM ${table} WHERE id IN (${part.map((_, n) => this.sql.param(n + 1)).join(', ')})`,
        part,
      );
      for (const r of rows) found.add(Number(r.id));
    }
    return found;
  }

  /** Inserts what is new; returns "org|key" → id of the rows this call inserted. */
  private async insertPlacements(
    em: EntityManager,
    jobs: RecordPlacementsJob[],
    candidates: Candidate[],
    now: Date,
  ): Promise<Map<string, number>> {
    const ts = this.sql.timestamp(now);
    const inserted = new Map<string, number>();
    for (let i = 0; i < candidates.length; i += ROWS_PER_STATEMENT) {
      const part = candidates.slice(i, i + ROWS_PER_STATEMENT);
      const params: unknown[] = [];
      for (const { job, draft: d, key } of part) {
        const { year, month } = yearMonthOf(d.publishedOn);
        const j = jobs[job];
        const status = j.source === 'crawler' ? 'discovered' : 'claimed';
        params.push(
          j.organizationId, d.channelId, d.title, d.url, d.publishedOn, year, month, d.section,
          d.prominence, d.genre, JSON.stringify(d.authors), d.note, j.source, status, key, ts, ts,
        );
      }
      const rows: { id: number; organization_id: number; dedup_key: string }[] = await em.query(
        `INSERT INTO placements (${PLACEMENT_COLUMNS.join(', ')})
         VALUES ${this.sql.valuesList(part.length, PLACEMENT_COLUMNS.length)}
         ON CONFLICT (organization_id, dedup_key) DO NOTHING
         RETURNING id, organization_id, dedup_key`,
        params,
      );
      for (const r of rows) inserted.set(`${Number(r.organization_id)}|${r.dedup_key}`, Number(r.id));
    }
    return inserted;
  }

  private async insertRows(em: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const part = rows.slice(i, i + ROWS_PER_STATEMENT);
      await em.query(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${this.sql.valuesList(part.length, columns.length)}`,
        part.flat(),
      );
    }
  }

  /** Adds the outcomes to their ingestions' counters, creating rows the API has not written yet. */
  private async addToIngestions(
    em: EntityManager,
    entries: { job: { ingestionId: string; organizationId: number; accepted: number }; outcome: RecordOutcome }[],
    now: Date,
  ): Promise<void> {
    const totals = new Map<string, { org: number; accepted: number; inserted: number; duplicates: number; refused: number }>();
    for (const { job, outcome } of entries) {
      const t = totals.get(job.ingestionId) ?? { org: job.organizationId, accepted: job.accepted, inserted: 0, duplicates: 0, refused: 0 };
      t.inserted += outcome.inserted;
      t.duplicates += outcome.duplicates;
      t.refused += new Set(outcome.refused.map((r) => r.row)).size;
      totals.set(job.ingestionId, t);
    }
    const p = this.sql.param.bind(this.sql);
    // Sorted, so that concurrent workers lock ingestion rows in the same order.
    for (const [id, t] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await em.query(
        `INSERT INTO ingestions (id, organization_id, kind, accepted, inserted, duplicates, rejected, worker_rejected, created_at, updated_at)
         VALUES (${p(1)}, ${p(2)}, 'placements', ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)})
         ON CONFLICT (id) DO UPDATE SET
           accepted = excluded.accepted,
           inserted = ingestions.inserted + excluded.inserted,
           duplicates = ingestions.duplicates + excluded.duplicates,
           rejected = ingestions.rejected + excluded.rejected,
           worker_rejected = ingestions.worker_rejected + excluded.worker_rejected,
           updated_at = excluded.updated_at`,
        [id, t.org, t.accepted, t.inserted, t.duplicates, t.refused, t.refused, this.sql.timestamp(now), this.sql.timestamp(now)],
      );
    }
  }
}
