import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  CREATION_EVENT,
  FieldError,
  PlacementDraft,
  PlacementEventType,
  PlacementStatus,
  STATUS_TRANSITIONS,
  placementDedupKey,
  yearMonthOf,
} from '@pl/domain';
import { PermanentJobError } from '@pl/jobs';
import { SqlDialect, isRefusedData, writeTransaction } from '@pl/persistence';
import {
  isRefusedDraft,
  type EditPlacementJob,
  type FlagPlacementLinkJob,
  type RecordPlacementsJob,
  type RestorePlacementJob,
  type SetPlacementStatusJob,
  type WithdrawPlacementJob,
} from '../ingestion/contract';

/** The fields an edit may change, in the order its event lists them. */
const EDITED_FIELDS = ['channelId', 'title', 'url', 'publishedOn', 'section', 'prominence', 'genre', 'authors', 'note'] as const;
type EditedField = (typeof EDITED_FIELDS)[number];

/**
 * Why the worker refused a change to a placement that the edge had accepted (the state it checked
 * changed before the job ran): a DomainError's code, field and messages, and for a duplicate the
 * placement it would duplicate. Stored on the ingestion (GET /api/ingestions/:id shows it).
 */
export interface ChangeRefusal {
  code: string;
  field: string;
  message: string;
  messageZh: string;
  duplicateOf?: { id: number; title: string; status: string };
}

/** An event a change appends to a placement's history. */
interface PlacementChange {
  type: PlacementEventType;
  data: Record<string, unknown>;
}

/**
 * The edited fields' values as the edge saw them and as the worker finds them, in one form (an
 * edit carries the edge's, so that the worker can tell whether another change came in between).
 */
export function editedSnapshot(v: Record<string, unknown>): string {
  const authors = typeof v.authors === 'string' ? (JSON.parse(v.authors) as unknown) : v.authors;
  return JSON.stringify([
    Number(v.channelId), v.title, v.url ?? null, v.publishedOn, v.section ?? null, v.prominence, v.genre ?? null, authors ?? [], v.note ?? null,
  ]);
}

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

/** Columns of a new placement row, in insert order (the ingestion bench inserts the same). */
export const PLACEMENT_COLUMNS = [
  'organization_id', 'channel_id', 'title', 'url', 'published_on', 'year', 'month', 'section',
  'prominence', 'genre', 'authors', 'note', 'source', 'status', 'dedup_key', 'created_at', 'updated_at',
];
const EVENT_COLUMNS = ['placement_id', 'organization_id', 'type', 'actor', 'ingestion_id', 'data', 'occurred_at'];
const EVENT_PG_TYPES = ['int', 'int', 'text', 'text', 'text', 'text', 'timestamp'];
/** How a worker's counts are added to an ingestion row that exists (its receipt, or an earlier chunk's counts). */
const INGESTION_COUNTS_UPDATE = `
  accepted = excluded.accepted,
  inserted = ingestions.inserted + excluded.inserted,
  duplicates = ingestions.duplicates + excluded.duplicates,
  rejected = ingestions.rejected + excluded.rejected,
  worker_rejected = ingestions.worker_rejected + excluded.worker_rejected,
  updated_at = excluded.updated_at`;
/** Rows per VALUES-list INSERT statement: keeps the parameter count under both databases' limits. */
const ROWS_PER_STATEMENT = 500;
/**
 * Rows per INSERT … SELECT FROM unnest(…) statement on PostgreSQL: one array
 * parameter per column, so the statement stays short whatever the row count
 * and the server parses and plans it once, not once per 500 rows.
 */
const ROWS_PER_ARRAY_STATEMENT = 5000;

/** How many entries were refused: an entry with several bad fields counts once, as the edge counts it. */
const refusedEntries = (refused: RefusedEntry[]): number => new Set(refused.map((r) => r.row)).size;

/** A new placement's status: the crawler's finds wait for an editor, the rest are claims. */
const initialStatus = (job: RecordPlacementsJob): PlacementStatus => (job.source === 'crawler' ? 'discovered' : 'claimed');

interface Candidate {
  job: number;
  draft: PlacementDraft;
  key: string;
  /** Its creation event's data (the evidence of a discovery), JSON, or null. */
  data: string | null;
}

/** What record() decided about one job before writing (see plan). */
interface PlannedJob {
  /** Names the same (ingestion, chunk) as an earlier job of the batch. */
  repeat: boolean;
  /** Drafts that repeat a story planned earlier in the batch. */
  batchDuplicates: number;
  refused: RefusedEntry[];
  /** Drafts planned for insertion (in Plan.candidates). */
  candidates: number;
}

interface Plan {
  jobs: PlannedJob[];
  candidates: Candidate[];
}

/**
 * record() on PostgreSQL as one statement: data-modifying CTEs run once
 * each, all or nothing, and see each other's rows only through RETURNING.
 * The rows come as JSON (which the server takes apart faster than the
 * driver writes array literals): $1 the jobs, $2 the planned placements,
 * $3 each planned placement's origin by "organization|dedup key" (its
 * event's type, actor and ingestion, its job's key and its event's data,
 * JSON or null); $4 is the time.
 *
 * Rows are matched by key lookups in jsonb objects, never by joins: the
 * planner cannot know how many rows a JSON document holds, and a join it
 * plans for a few rows (a nested loop) is quadratic when a batch holds
 * thousands (seen: 3× the server's CPU per placement at 1,000 a batch).
 *   claimed   the jobs' (ingestion, chunk) markers: a job whose marker is
 *             new is fresh, the others are replays that write nothing;
 *   fresh     the fresh jobs' keys ("ingestion:chunk");
 *   ins       the placements of fresh jobs whose (organization, dedup key)
 *             is new;
 *   inserted  each inserted row with its origin;
 *   ev        a creation event for each;
 *   per_job   each fresh job with its count of inserted placements, added
 *             to its ingestion by counted (rows in id order, so that
 *             concurrent writers lock them in the same order), and returned.
 */
const RECORD_IN_ONE_STATEMENT = `
WITH job AS (
  SELECT * FROM json_to_recordset($1::json) AS j(
    key text, ingestion_id text, chunk int, organization_id int, accepted int,
    candidates int, batch_duplicates int, refused int)
), claimed AS (
  INSERT INTO ingestion_chunks (ingestion_id, chunk) SELECT ingestion_id, chunk FROM job
  ON CONFLICT (ingestion_id, chunk) DO NOTHING RETURNING ingestion_id || ':' || chunk AS key
), fresh AS (
  SELECT coalesce(jsonb_object_agg(key, true), '{}') AS keys FROM claimed
), ins AS (
  INSERT INTO placements (${PLACEMENT_COLUMNS.join(', ')})
  SELECT ${PLACEMENT_COLUMNS.slice(0, -2).join(', ')}, $4::timestamp, $4::timestamp
  FROM json_to_recordset($2::json) AS c(
    job_key text, organization_id int, channel_id int, title text, url text, published_on text, year int, month int,
    section text, prominence text, genre text, authors text, note text, source text, status text, dedup_key text)
  WHERE (SELECT keys FROM fresh) ? job_key
  ON CONFLICT (organization_id, dedup_key) DO NOTHING RETURNING id, organization_id, dedup_key
), origin AS (
  SELECT $3::jsonb AS of_key
), inserted AS (
  SELECT ins.id, ins.organization_id, (SELECT of_key FROM origin) -> (ins.organization_id || '|' || ins.dedup_key) AS o
  FROM ins
), ev AS (
  INSERT INTO placement_events (${EVENT_COLUMNS.join(', ')})
  SELECT id, organization_id, o ->> 0, o ->> 1, o ->> 2, o ->> 4, $4::timestamp
  FROM inserted
), counts AS (
  SELECT coalesce(jsonb_object_agg(job_key, n), '{}') AS of_job
  FROM (SELECT o ->> 3 AS job_key, count(*) AS n FROM inserted GROUP BY 1) per_key
), per_job AS (
  SELECT job.*, coalesce(((SELECT of_job FROM counts) ->> job.key)::int, 0) AS inserted
  FROM job WHERE (SELECT keys FROM fresh) ? job.key
), counted AS (
  INSERT INTO ingestions (id, organization_id, kind, received, accepted, inserted, duplicates, rejected, worker_rejected, created_at, updated_at)
  SELECT ingestion_id, min(organization_id), 'placements', min(accepted), min(accepted), sum(inserted),
         sum(batch_duplicates + candidates - inserted), sum(refused), sum(refused), $4::timestamp, $4::timestamp
  FROM per_job GROUP BY ingestion_id ORDER BY ingestion_id
  ON CONFLICT (id) DO UPDATE SET ${INGESTION_COUNTS_UPDATE}
)
SELECT key, inserted FROM per_job`;

/**
 * Writes placements and their events: the only code that writes the
 * placements table. Each call writes many jobs at once, all or nothing.
 */
@Injectable()
export class PlacementWriter {
  private readonly sql: SqlDialect;
  /** Ids known to exist (see existingIds). */
  private readonly knownIds = { organizations: new Set<number>(), channels: new Set<number>() };
  /** Prepared-statement name of each statement text (see run): a handful of fixed texts. */
  private readonly statementNames = new Map<string, string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlDialect(dataSource);
  }

  /**
   * Records the placements of several jobs at once: dedups by the unique
   * (organization, dedup key) index, writes one creation event per new
   * placement and adds the counts to each ingestion, all or nothing. Invalid
   * drafts are refused and counted, never written. A job whose (ingestion,
   * chunk) was committed before is a replay and changes nothing.
   *
   * On SQLite one transaction of a few statements; on PostgreSQL one
   * statement (see RECORD_IN_ONE_STATEMENT): a single round trip, which is
   * atomic by itself.
   */
  async record(jobs: RecordPlacementsJob[]): Promise<RecordOutcome[]> {
    const plan = await this.plan(jobs);
    const now = new Date();
    if (this.sql.isPostgres) return this.recordInOneStatement(jobs, plan, now);
    return writeTransaction(this.dataSource, (em) => this.recordInTransaction(em, jobs, plan, now));
  }

  /**
   * record() for one job the database refused as a whole (a check, a
   * length, text it cannot store: isRefusedData), which a retry would only
   * repeat: each of its drafts is tried alone in a transaction that is rolled
   * back, the ones the database refuses become refused entries with its
   * reason, and the job is then recorded as usual — its other drafts written,
   * the refused ones counted in `rejected` on its ingestion, its chunk
   * claimed once, all in one transaction. Any other error is thrown (it may
   * pass on a retry).
   */
  async recordRefusingBadRows(job: RecordPlacementsJob): Promise<RecordOutcome> {
    const placements = [...job.placements];
    for (let i = 0; i < placements.length; i++) {
      const draft = placements[i];
      if (isRefusedDraft(draft)) continue;
      const alone: RecordPlacementsJob = { ...job, placements: [draft], ...(job.evidence ? { evidence: [job.evidence[i] ?? null] } : {}) };
      try {
        await this.tryAndRollBack(alone);
      } catch (err) {
        if (!isRefusedData(err)) throw err;
        const reason = (err as { driverError?: { message?: unknown } }).driverError?.message ?? (err as Error).message;
        placements[i] = { row: draft.row ?? i, refused: [{ field: 'placement', message: `the database refused it: ${String(reason)}` }] };
      }
    }
    const [outcome] = await this.record([{ ...job, placements }]);
    return outcome;
  }

  /** Writes the job in a transaction that is then rolled back: throws what the database would refuse. */
  private async tryAndRollBack(job: RecordPlacementsJob): Promise<void> {
    const rollBack = new Error('roll back');
    const plan = await this.plan([job]);
    await writeTransaction(this.dataSource, async (em) => {
      await this.recordInTransaction(em, [job], plan, new Date());
      throw rollBack;
    }).catch((err: unknown) => {
      if (err !== rollBack) throw err;
    });
  }

  /** SQLite: record() as a transaction of a few statements (they cost no round trip there). */
  private async recordInTransaction(em: EntityManager, jobs: RecordPlacementsJob[], plan: Plan, now: Date): Promise<RecordOutcome[]> {
    const fresh = await this.claimChunks(em, jobs.map((j) => [j.ingestionId, j.chunk]));
    const candidates = plan.candidates.filter((c) => fresh[c.job]);
    const inserted = await this.insertPlacements(em, jobs, candidates, now);
    const events: unknown[][] = [];
    const insertedPerJob = jobs.map(() => 0);
    for (const c of candidates) {
      const job = jobs[c.job];
      const id = inserted.get(`${job.organizationId}|${c.key}`);
      if (id === undefined) continue;
      insertedPerJob[c.job]++;
      events.push([id, job.organizationId, CREATION_EVENT[job.source], job.actor, job.ingestionId, c.data, this.sql.timestamp(now)]);
    }
    await this.insertRows(em, 'placement_events', EVENT_COLUMNS, EVENT_PG_TYPES, events);
    const outcomes = this.settle(plan, fresh, insertedPerJob);
    await this.addToIngestions(
      em,
      jobs.map((job, i) => ({ job, outcome: outcomes[i] })).filter(({ outcome }) => !outcome.replayed),
      now,
    );
    return outcomes;
  }

  /**
   * What a batch of jobs would write, decided before anything is written:
   * each draft's channel and organization known to exist, and the same story
   * twice in the batch kept once. The drafts themselves were checked when
   * the job was taken (the ingestion contract's schema, see @pl/jobs). A job naming an (ingestion, chunk) an earlier job of the batch
   * names is a replay of it and plans nothing.
   */
  private async plan(jobs: RecordPlacementsJob[]): Promise<Plan> {
    const orgIds = await this.existingIds('organizations', jobs.map((j) => j.organizationId));
    const channelIds = await this.existingIds(
      'channels',
      jobs.flatMap((j) => j.placements.flatMap((p) => (isRefusedDraft(p) ? [] : [p.channelId]))),
    );
    const plan: Plan = { jobs: [], candidates: [] };
    const chunks = new Set<string>();
    const seen = new Set<string>();
    jobs.forEach((job, i) => {
      const planned: PlannedJob = { repeat: false, batchDuplicates: 0, refused: [], candidates: 0 };
      plan.jobs.push(planned);
      const chunk = `${job.ingestionId}|${job.chunk}`;
      if (chunks.has(chunk)) {
        planned.repeat = true;
        return;
      }
      chunks.add(chunk);
      if (!orgIds.has(job.organizationId)) {
        throw new PermanentJobError(`organization ${job.organizationId} does not exist`);
      }
      job.placements.forEach((draft, index) => {
        if (isRefusedDraft(draft)) {
          // Could never be written (the job's schema found it): counted as rejected, the others go on.
          planned.refused.push(...draft.refused.map((e) => ({ row: draft.row, ...e })));
          return;
        }
        const row = draft.row ?? index;
        if (!channelIds.has(draft.channelId)) {
          planned.refused.push({ row, field: 'channel', message: `unknown channel id ${draft.channelId}` });
          return;
        }
        const key = placementDedupKey(draft);
        const scoped = `${job.organizationId}|${key}`;
        // Twice in the batch: the second is a duplicate, also when the first
        // belongs to a job that turns out to be a replay (its placements are
        // in the ledger already).
        if (seen.has(scoped)) {
          planned.batchDuplicates++;
          return;
        }
        seen.add(scoped);
        planned.candidates++;
        const evidence = job.evidence?.[index];
        plan.candidates.push({ job: i, draft, key, data: evidence ? JSON.stringify({ evidence }) : null });
      });
    });
    return plan;
  }

  /** The outcome of each job, once it is known which were fresh and how many of their candidates were new. */
  private settle(plan: Plan, fresh: boolean[], insertedPerJob: number[]): RecordOutcome[] {
    return plan.jobs.map((p, i) =>
      fresh[i] && !p.repeat
        ? {
            replayed: false,
            inserted: insertedPerJob[i],
            duplicates: p.batchDuplicates + p.candidates - insertedPerJob[i],
            refused: p.refused,
          }
        : { replayed: true, inserted: 0, duplicates: 0, refused: [] },
    );
  }

  /** PostgreSQL: the whole of record() as one statement (RECORD_IN_ONE_STATEMENT). */
  private async recordInOneStatement(jobs: RecordPlacementsJob[], plan: Plan, now: Date): Promise<RecordOutcome[]> {
    const keyOf = (job: RecordPlacementsJob) => `${job.ingestionId}:${job.chunk}`;
    const jobRows = plan.jobs.flatMap((p, i) => {
      if (p.repeat) return [];
      const job = jobs[i];
      return [{
        key: keyOf(job),
        ingestion_id: job.ingestionId,
        chunk: job.chunk,
        organization_id: job.organizationId,
        accepted: job.accepted,
        candidates: p.candidates,
        batch_duplicates: p.batchDuplicates,
        refused: refusedEntries(p.refused),
      }];
    });
    const origin: Record<string, [string, string, string, string, string | null]> = {};
    const candidateRows = plan.candidates.map(({ job: i, draft: d, key, data }) => {
      const job = jobs[i];
      const { year, month } = yearMonthOf(d.publishedOn);
      origin[`${job.organizationId}|${key}`] = [CREATION_EVENT[job.source], job.actor, job.ingestionId, keyOf(job), data];
      return {
        job_key: keyOf(job), organization_id: job.organizationId, channel_id: d.channelId, title: d.title, url: d.url,
        published_on: d.publishedOn, year, month, section: d.section, prominence: d.prominence, genre: d.genre,
        authors: JSON.stringify(d.authors), note: d.note, source: job.source, status: initialStatus(job), dedup_key: key,
      };
    });
    const runner = this.dataSource.createQueryRunner();
    try {
      const rows = await this.run<{ key: string; inserted: number }>(runner.manager, RECORD_IN_ONE_STATEMENT, [
        JSON.stringify(jobRows),
        JSON.stringify(candidateRows),
        JSON.stringify(origin),
        now,
      ]);
      const insertedOf = new Map(rows.map((r) => [r.key, Number(r.inserted)]));
      const fresh = jobs.map((job) => insertedOf.has(keyOf(job)));
      const insertedPerJob = jobs.map((job) => insertedOf.get(keyOf(job)) ?? 0);
      return this.settle(plan, fresh, insertedPerJob);
    } finally {
      await runner.release();
    }
  }

  /**
   * Applies a status change (confirm, reject, dismiss) and appends its event.
   * With `linkRestored` (the crawler read the placement's own page again and
   * it confirms the story), the link-gone mark is cleared first, with its
   * `link-restored` event, in the same transaction: one job, so that the
   * history reads restored-then-confirmed however many workers take jobs
   * (two jobs raced for the row lock on PostgreSQL). The restoration stands
   * when the status change is refused (someone confirmed it meanwhile): the
   * page did answer. Throws PermanentJobError when the placement is missing
   * or the change is not allowed from its current status.
   */
  async setStatus(job: SetPlacementStatusJob): Promise<{ replayed: boolean }> {
    return this.changePlacement(job, async (em, from, now) => {
      const restored = job.linkRestored ? await this.clearLinkGone(em, job.placementId, job.linkRestored) : [];
      if (!STATUS_TRANSITIONS[from]?.includes(job.status)) {
        const refused = refusal('PLACEMENT_BAD_STATUS_CHANGE', 'status', `placement ${job.placementId} cannot go from ${from} to ${job.status}`, `稿件 ${job.placementId} 的状态已是 ${from}，不能改为 ${job.status}（可能已被他人处理）`);
        return restored.length > 0 ? { events: restored, refusal: refused } : refused;
      }
      await em.query(`UPDATE placements SET status = ${this.sql.param(1)}, updated_at = ${this.sql.param(2)} WHERE id = ${this.sql.param(3)}`, [
        job.status,
        this.sql.timestamp(now),
        job.placementId,
      ]);
      const data: Record<string, unknown> = { from };
      if (job.reason) data.reason = job.reason;
      if (job.evidence) data.evidence = job.evidence;
      return { events: [...restored, { type: job.status as PlacementEventType, data }] };
    });
  }

  /** Clears a placement's link-gone mark: its link-restored event, or none when the link was not marked gone. */
  private async clearLinkGone(em: EntityManager, placementId: number, evidence: Record<string, unknown>): Promise<PlacementChange[]> {
    const [row]: { link_gone_at: unknown }[] = await em.query(`SELECT link_gone_at FROM placements WHERE id = ${this.sql.param(1)}`, [placementId]);
    if (row?.link_gone_at == null) return [];
    await em.query(`UPDATE placements SET link_gone_at = NULL WHERE id = ${this.sql.param(1)}`, [placementId]);
    return [{ type: 'link-restored', data: { evidence } }];
  }

  /**
   * Marks a placement's link as gone (for an editor to look at; its status
   * does not change), or as answering again (`gone: false`).
   */
  async flagLink(job: FlagPlacementLinkJob): Promise<{ replayed: boolean }> {
    const gone = job.gone ?? true;
    return this.changePlacement(job, async (em, _from, now) => {
      await em.query(`UPDATE placements SET link_gone_at = ${this.sql.param(1)} WHERE id = ${this.sql.param(2)}`, [
        gone ? now.toISOString() : null,
        job.placementId,
      ]);
      return { type: gone ? 'link-gone' : 'link-restored', data: { evidence: job.evidence } };
    });
  }

  /**
   * An editor's edit: the placement's fields become the job's, its dedup key
   * and year/month follow, and an `edited` event keeps the old and new value
   * of each field that changed. A confirmed placement whose title or link
   * changed is claimed again (the confirmation and its evidence stay in the
   * history); a new link clears the link-gone mark, which was about the old
   * one. Refused when the placement is withdrawn, or when the new fields make
   * it the same story as another placement of its organization (naming it).
   * That check runs under the row lock; two edits racing to the same key are
   * still stopped by the unique (organization, dedup key) index: the loser's
   * transaction fails, its job is retried and then refused by the check.
   * An edit that changes nothing writes no event.
   */
  async edit(job: EditPlacementJob): Promise<{ replayed: boolean }> {
    return this.changePlacement(job, async (em, from, now) => {
      if (from === 'withdrawn') {
        return refusal('PLACEMENT_WITHDRAWN', 'status', `placement ${job.placementId} is withdrawn: restore it before editing it`, `稿件 ${job.placementId} 已撤回：请先恢复再修改`);
      }
      const p = (n: number) => this.sql.param(n);
      const [row]: Record<string, unknown>[] = await em.query(
        `SELECT channel_id, title, url, published_on, section, prominence, genre, authors, note, dedup_key FROM placements WHERE id = ${p(1)}`,
        [job.placementId],
      );
      const d = job.placement;
      // The edit is the edge's view of the fields plus the changes asked for: another edit written in
      // between would be undone by it. Refused; the editor reloads and edits again.
      const current = { ...row, channelId: row.channel_id, publishedOn: row.published_on };
      if (job.expected && editedSnapshot(job.expected) !== editedSnapshot(current)) {
        return refusal(
          'PLACEMENT_CHANGED',
          'id',
          `placement ${job.placementId} was changed by someone else after this edit was asked for: reload it and edit again`,
          `稿件 ${job.placementId} 在提交修改后已被他人修改，本次修改未保存：请刷新后重新修改`,
        );
      }
      const key = placementDedupKey(d);
      if (key !== row.dedup_key) {
        const [other]: { id: number; title: string; status: string }[] = await em.query(
          `SELECT id, title, status FROM placements WHERE organization_id = ${p(1)} AND dedup_key = ${p(2)} AND id <> ${p(3)}`,
          [job.organizationId, key, job.placementId],
        );
        if (other) {
          return {
            ...refusal(
              'PLACEMENT_EDIT_DUPLICATE',
              d.url ? 'url' : 'title',
              `the edit would make placement ${job.placementId} a duplicate of placement ${Number(other.id)} (${JSON.stringify(other.title)})`,
              `修改后稿件 ${job.placementId} 将与稿件 ${Number(other.id)}「${other.title}」重复`,
            ),
            duplicateOf: { id: Number(other.id), title: other.title, status: other.status },
          };
        }
      }
      const before: Record<EditedField, unknown> = {
        channelId: Number(row.channel_id),
        title: row.title,
        url: row.url ?? null,
        publishedOn: row.published_on,
        section: row.section ?? null,
        prominence: row.prominence,
        genre: row.genre ?? null,
        authors: typeof row.authors === 'string' ? (JSON.parse(row.authors) as string[]) : row.authors,
        note: row.note ?? null,
      };
      const after: Record<EditedField, unknown> = {
        channelId: d.channelId,
        title: d.title,
        url: d.url ?? null,
        publishedOn: d.publishedOn,
        section: d.section ?? null,
        prominence: d.prominence,
        genre: d.genre ?? null,
        authors: d.authors,
        note: d.note ?? null,
      };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const f of EDITED_FIELDS) {
        if (JSON.stringify(before[f]) !== JSON.stringify(after[f])) changes[f] = { from: before[f], to: after[f] };
      }
      if (Object.keys(changes).length === 0) return null;
      const reclaimed = from === 'confirmed' && ('title' in changes || 'url' in changes);
      const status: PlacementStatus = reclaimed ? 'claimed' : from;
      const { year, month } = yearMonthOf(d.publishedOn);
      await em.query(
        `UPDATE placements SET channel_id = ${p(1)}, title = ${p(2)}, url = ${p(3)}, published_on = ${p(4)}, year = ${p(5)}, month = ${p(6)},
           section = ${p(7)}, prominence = ${p(8)}, genre = ${p(9)}, authors = ${p(10)}, note = ${p(11)}, dedup_key = ${p(12)}, status = ${p(13)},
           link_gone_at = ${'url' in changes ? 'NULL' : 'link_gone_at'}, updated_at = ${p(14)}
         WHERE id = ${p(15)}`,
        [
          d.channelId, d.title, d.url ?? null, d.publishedOn, year, month, d.section ?? null, d.prominence, d.genre ?? null,
          JSON.stringify(d.authors), d.note ?? null, key, status, this.sql.timestamp(now), job.placementId,
        ],
      );
      return { type: 'edited', data: { changes, ...(reclaimed ? { status: { from, to: status } } : {}) } };
    });
  }

  /** Withdraws a placement: status withdrawn (counted nowhere), the status it had and the reason in its event. */
  async withdraw(job: WithdrawPlacementJob): Promise<{ replayed: boolean }> {
    return this.changePlacement(job, async (em, from, now) => {
      if (from === 'withdrawn') return refusal('PLACEMENT_ALREADY_WITHDRAWN', 'status', `placement ${job.placementId} is already withdrawn`, `稿件 ${job.placementId} 已撤回`);
      await this.updateStatus(em, job.placementId, 'withdrawn', now);
      return { type: 'withdrawn', data: { from, ...(job.reason ? { reason: job.reason } : {}) } };
    });
  }

  /** Restores a withdrawn placement to the status its latest withdrawal took it from. */
  async restore(job: RestorePlacementJob): Promise<{ replayed: boolean }> {
    return this.changePlacement(job, async (em, from, now) => {
      if (from !== 'withdrawn') return refusal('PLACEMENT_NOT_WITHDRAWN', 'status', `placement ${job.placementId} is not withdrawn (it is ${from})`, `稿件 ${job.placementId} 未撤回`);
      const p = (n: number) => this.sql.param(n);
      const [last]: { data: unknown }[] = await em.query(
        `SELECT data FROM placement_events WHERE placement_id = ${p(1)} AND type = 'withdrawn' ORDER BY id DESC LIMIT 1`,
        [job.placementId],
      );
      const data = (typeof last?.data === 'string' ? JSON.parse(last.data) : last?.data) as { from?: PlacementStatus } | null | undefined;
      const to: PlacementStatus = data?.from && data.from !== 'withdrawn' ? data.from : 'claimed';
      await this.updateStatus(em, job.placementId, to, now);
      return { type: 'restored', data: { to } };
    });
  }

  private async updateStatus(em: EntityManager, placementId: number, status: PlacementStatus, now: Date): Promise<void> {
    await em.query(`UPDATE placements SET status = ${this.sql.param(1)}, updated_at = ${this.sql.param(2)} WHERE id = ${this.sql.param(3)}`, [
      status,
      this.sql.timestamp(now),
      placementId,
    ]);
  }

  /**
   * One change to an existing placement in one transaction: the (ingestion,
   * 0) marker, the change, its event and the ingestion's count. A change
   * that can never apply (placement missing, transition not allowed, an
   * edit making a duplicate) is counted as rejected on its ingestion — so
   * whoever polls it sees the end — and then fails the job with
   * PermanentJobError. A change that finds nothing to change (null) writes
   * no event and counts as a duplicate.
   */
  private async changePlacement(
    job: { ingestionId: string; organizationId: number; placementId: number; actor: string },
    change: (
      em: EntityManager,
      status: PlacementStatus,
      now: Date,
    ) => Promise<ChangeRefusal | PlacementChange | { events: PlacementChange[]; refusal?: ChangeRefusal } | null>,
  ): Promise<{ replayed: boolean }> {
    const outcome = await writeTransaction(this.dataSource, async (em) => {
      const now = new Date();
      const [fresh] = await this.claimChunks(em, [[job.ingestionId, 0]]);
      if (!fresh) return { replayed: true, refusal: null };
      const rows: { status: PlacementStatus }[] = await em.query(
        `SELECT status FROM placements WHERE id = ${this.sql.param(1)} AND organization_id = ${this.sql.param(2)}${this.sql.forUpdate}`,
        [job.placementId, job.organizationId],
      );
      const result =
        rows.length === 0
          ? refusal('PLACEMENT_NOT_FOUND', 'id', `placement ${job.placementId} does not exist`, `找不到稿件 ${job.placementId}`)
          : await change(em, rows[0].status, now);
      const { events, refusal: refused = null } =
        result === null ? { events: [] } : 'code' in result ? { events: [], refusal: result } : 'type' in result ? { events: [result] } : result;
      if (events.length > 0) {
        // In the order given: the events' ids are their order in the history.
        await this.insertRows(
          em,
          'placement_events',
          EVENT_COLUMNS,
          EVENT_PG_TYPES,
          events.map((e) => [job.placementId, job.organizationId, e.type, job.actor, job.ingestionId, JSON.stringify(e.data), this.sql.timestamp(now)]),
        );
      }
      await this.addToIngestions(
        em,
        [
          {
            job: { ...job, accepted: 1 },
            outcome: refused
              ? { replayed: false, inserted: 0, duplicates: 0, refused: [{ row: 0, field: refused.field, message: refused.message }] }
              : { replayed: false, inserted: events.length > 0 ? 1 : 0, duplicates: events.length > 0 ? 0 : 1, refused: [] },
          },
        ],
        now,
      );
      if (refused) {
        // Why, for whoever polls the ingestion (the row exists now: its counts were just added).
        await em.query(`UPDATE ingestions SET refusal = ${this.sql.param(1)} WHERE id = ${this.sql.param(2)}`, [JSON.stringify(refused), job.ingestionId]);
      }
      return { replayed: false, refusal: refused?.message ?? null };
    });
    if (outcome.refusal) throw new PermanentJobError(outcome.refusal);
    return { replayed: outcome.replayed };
  }

  /** Marks each (ingestion, chunk) as committed; false for those already marked. */
  private async claimChunks(em: EntityManager, chunks: [string, number][]): Promise<boolean[]> {
    const rows = await this.insertRows<{ ingestion_id: string; chunk: number }>(
      em,
      'ingestion_chunks',
      ['ingestion_id', 'chunk'],
      ['text', 'int'],
      chunks,
      'ON CONFLICT (ingestion_id, chunk) DO NOTHING RETURNING ingestion_id, chunk',
    );
    const claimed = new Set(rows.map((r) => `${r.ingestion_id}|${Number(r.chunk)}`));
    // A chunk named twice in one batch is claimed by its first job only.
    const firstSeen = new Set<string>();
    return chunks.map(([id, chunk]) => {
      const k = `${id}|${chunk}`;
      if (!claimed.has(k) || firstSeen.has(k)) return false;
      firstSeen.add(k);
      return true;
    });
  }

  /**
   * Which of the ids exist in the table. Organizations and channels are never
   * deleted, so an id seen once is remembered and not asked for again: most
   * transactions ask nothing. (Should deletes ever come, forget them here.)
   */
  private async existingIds(table: 'organizations' | 'channels', ids: unknown[]): Promise<Set<number>> {
    const known = this.knownIds[table];
    const unknown = [...new Set(ids.filter((id): id is number => Number.isInteger(id) && !known.has(id as number)))];
    for (let i = 0; i < unknown.length; i += ROWS_PER_STATEMENT) {
      const part = unknown.slice(i, i + ROWS_PER_STATEMENT);
      const rows: { id: number }[] = this.sql.isPostgres
        ? await this.dataSource.query(`SELECT id FROM ${table} WHERE id = ANY($1::int[])`, [part])
        : await this.dataSource.query(`SELECT id FROM ${table} WHERE id IN (${part.map(() => '?').join(', ')})`, part);
      for (const r of rows) known.add(Number(r.id));
    }
    return known;
  }

  /**
   * Runs a statement of the transaction. On PostgreSQL as a named prepared
   * statement of the connection (the writer's statements have fixed texts:
   * parsed and planned once per connection, not once per transaction).
   */
  private async run<R>(em: EntityManager, text: string, values: unknown[]): Promise<R[]> {
    if (!this.sql.isPostgres || !em.queryRunner) return em.query(text, values);
    const client = (await em.queryRunner.connect()) as {
      query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
    };
    let name = this.statementNames.get(text);
    if (!name) {
      name = `pl_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.statementNames.set(text, name);
    }
    return (await client.query({ name, text, values })).rows;
  }

  /** The values of a new placement row, in PLACEMENT_COLUMNS order. */
  private placementRow(job: RecordPlacementsJob, { draft: d, key }: Candidate, ts: Date | string): unknown[] {
    const { year, month } = yearMonthOf(d.publishedOn);
    return [
      job.organizationId, d.channelId, d.title, d.url, d.publishedOn, year, month, d.section,
      d.prominence, d.genre, JSON.stringify(d.authors), d.note, job.source, initialStatus(job), key, ts, ts,
    ];
  }

  /** SQLite: inserts what is new; returns "org|key" → id of the rows this call inserted. */
  private async insertPlacements(
    em: EntityManager,
    jobs: RecordPlacementsJob[],
    candidates: Candidate[],
    now: Date,
  ): Promise<Map<string, number>> {
    const ts = this.sql.timestamp(now);
    const rows = candidates.map((c) => this.placementRow(jobs[c.job], c, ts));
    const inserted = new Map<string, number>();
    const returned: { id: number; organization_id: number; dedup_key: string }[] = await this.insertValues(
      em,
      'placements',
      PLACEMENT_COLUMNS,
      rows,
      'ON CONFLICT (organization_id, dedup_key) DO NOTHING RETURNING id, organization_id, dedup_key',
    );
    for (const r of returned) inserted.set(`${Number(r.organization_id)}|${r.dedup_key}`, Number(r.id));
    return inserted;
  }

  /**
   * Multi-row INSERT of `rows` (values in `columns` order), followed by
   * `tail` (ON CONFLICT…, RETURNING…); returns what RETURNING gives. Many
   * rows per statement on both databases: VALUES lists of 500 rows on SQLite,
   * one array per column through unnest() on PostgreSQL.
   */
  private async insertRows<R = unknown>(
    em: EntityManager,
    table: string,
    columns: string[],
    pgTypes: string[],
    rows: unknown[][],
    tail = '',
  ): Promise<R[]> {
    const out: R[] = [];
    if (this.sql.isPostgres) {
      const arrays = pgTypes.map((t, c) => `${this.sql.param(c + 1)}::${t}[]`).join(', ');
      for (let i = 0; i < rows.length; i += ROWS_PER_ARRAY_STATEMENT) {
        const part = rows.slice(i, i + ROWS_PER_ARRAY_STATEMENT);
        const result: R[] = await this.run<R>(
          em,
          `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${arrays}) ${tail}`,
          columns.map((_, c) => part.map((r) => r[c])),
        );
        if (tail.includes('RETURNING')) out.push(...result);
      }
      return out;
    }
    return this.insertValues(em, table, columns, rows, tail);
  }

  /** insertRows on SQLite: VALUES lists of ROWS_PER_STATEMENT rows. */
  private async insertValues<R = unknown>(em: EntityManager, table: string, columns: string[], rows: unknown[][], tail: string): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const part = rows.slice(i, i + ROWS_PER_STATEMENT);
      const result: R[] = await em.query(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${this.sql.valuesList(part.length, columns.length)} ${tail}`,
        part.flat(),
      );
      if (tail.includes('RETURNING')) out.push(...result);
    }
    return out;
  }

  /**
   * Adds the outcomes to their ingestions' counters, creating rows the API has
   * not written (yet): a single submission's row is written here only, with
   * received = accepted as its job says; a bulk's or an import's receipt from
   * the API sets received and the edge's rejections, whichever comes first.
   */
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
      t.refused += refusedEntries(outcome.refused);
      totals.set(job.ingestionId, t);
    }
    const ts = this.sql.timestamp(now);
    // Sorted, so that concurrent workers (and the API) lock ingestion rows in the same order.
    const rows = [...totals]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, t]) => [id, t.org, 'placements', t.accepted, t.accepted, t.inserted, t.duplicates, t.refused, t.refused, ts, ts]);
    // One statement for many ingestions (a batch of single submissions touches one row each).
    await this.insertRows(
      em,
      'ingestions',
      ['id', 'organization_id', 'kind', 'received', 'accepted', 'inserted', 'duplicates', 'rejected', 'worker_rejected', 'created_at', 'updated_at'],
      ['text', 'int', 'text', 'int', 'int', 'int', 'int', 'int', 'int', 'timestamp', 'timestamp'],
      rows,
      `ON CONFLICT (id) DO UPDATE SET ${INGESTION_COUNTS_UPDATE}`,
    );
  }
}

/** A refusal of the worker, with the code and Chinese message the edge gives the same case. */
function refusal(code: string, field: string, message: string, messageZh: string): ChangeRefusal {
  return { code, field, message, messageZh };
}
