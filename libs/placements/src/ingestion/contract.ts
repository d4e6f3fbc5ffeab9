import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { FieldError, PLACEMENT_SOURCES, PLACEMENT_STATUSES, PlacementDraft, parsePlacementDraft, storableText } from '@pl/domain';
import { defineQueue, JobOf } from '@pl/jobs';

/** The queue every placement write goes through. */
export const INGESTION_QUEUE = 'ingestion';

/**
 * A draft of a job that cannot be written: the fields at fault. Refused and
 * counted on its ingestion by the worker; the job's other drafts are written.
 */
export interface RefusedDraft {
  refused: FieldError[];
  row: number;
}

/**
 * The drafts a job carries, each read by parsePlacementDraft: its fast path
 * for the plain shape the edge writes, zod's placementDraftSchema for
 * anything else. One loop over the list rather than z.array(a schema per
 * draft): zod's per-element machinery costs ~20 µs a draft, twenty times the
 * fast path, which at 100 jobs of 500 drafts held at once kept a worker's
 * event loop from renewing its job locks.
 *
 * A draft that fails (a NUL in its title that got past an old edge, a
 * payload written by hand) does not fail the job: it comes out as a
 * RefusedDraft in its place, so that the worker counts it as rejected with a
 * reason and writes the others. Only a payload that fails as a whole (not a
 * list, no ingestion) fails the job.
 */
const placementDrafts = z
  .custom<PlacementDraft[]>((v) => Array.isArray(v), 'placements must be a list')
  .transform((raws): (PlacementDraft | RefusedDraft)[] => {
    const drafts: (PlacementDraft | RefusedDraft)[] = new Array(raws.length);
    for (let i = 0; i < raws.length; i++) {
      const parsed = parsePlacementDraft(raws[i]);
      if (parsed.ok) drafts[i] = parsed.value;
      else {
        const row = (raws[i] as { row?: unknown } | null)?.row;
        drafts[i] = { refused: parsed.errors, row: typeof row === 'number' && Number.isSafeInteger(row) && row >= 0 ? row : i };
      }
    }
    return drafts;
  });

/** Whether a job's entry is a refused draft (see placementDrafts). */
export const isRefusedDraft = (d: PlacementDraft | RefusedDraft): d is RefusedDraft => 'refused' in d;

/**
 * Text the worker writes whatever it holds (who submitted, the crawler's
 * evidence): what cannot be stored is replaced by U+FFFD rather than losing
 * the placements it comes with. The edge refuses such an actor; this is for
 * jobs that got past it.
 */
const storableActor = z.string().max(500).transform(storableText);
const storableValue = (v: unknown): unknown =>
  typeof v === 'string'
    ? storableText(v)
    : Array.isArray(v)
      ? v.map(storableValue)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [storableText(k), storableValue(x)]))
        : v;

const id = z.string().min(1).max(64);
const positiveInt = z.number().int().positive();
const evidence = z.record(z.string(), z.unknown()).transform((e) => storableValue(e) as Record<string, unknown>);

/** Record new placements: one from a form, a chunk of a bulk or an import. */
const recordPlacements = z.object({
  ingestionId: id,
  /** Position of this job within its ingestion; (ingestionId, chunk) is written once. */
  chunk: z.number().int().nonnegative(),
  /** Entries of the whole ingestion that passed the edge (all chunks). */
  accepted: z.number().int().nonnegative(),
  organizationId: positiveInt,
  source: z.enum(PLACEMENT_SOURCES),
  /** Who submitted: an editor's name, `import:<file>`, `crawler`… */
  actor: storableActor,
  placements: placementDrafts,
  /**
   * Per placement, in order: the evidence its creation event keeps (a
   * discovered placement: where the crawler found it), or null.
   */
  evidence: z.array(evidence.nullable()).optional(),
});

/**
 * Several small record jobs that reached the producer together (single
 * submissions under load), carried by one queue job so that the queue pays
 * for one job instead of many. Each record is claimed, deduplicated and
 * counted exactly as if it were its own 'placements.record' job, so a retry
 * of the whole batch changes nothing already committed.
 */
const recordPlacementsBatch = z.object({ records: z.array(recordPlacements).min(1) });

/** Move a placement to a new status (confirm, reject, dismiss), with a reason or evidence. */
const setPlacementStatus = z.object({
  ingestionId: id,
  organizationId: positiveInt,
  placementId: positiveInt,
  status: z.enum(PLACEMENT_STATUSES),
  actor: storableActor,
  reason: z.string().transform(storableText).nullish(),
  evidence: evidence.nullish(),
  /**
   * The crawler's evidence that the placement's own link, marked gone,
   * answers again (the page that confirms it): the mark is cleared with a
   * link-restored event before the status changes, in the same write. One
   * job rather than a flag-link job beside this one, which another worker
   * could write second.
   */
  linkRestored: evidence.optional(),
});

/**
 * Mark a placement's link as gone (404/410 when the crawler fetched it), or,
 * with `gone: false`, as answering again, with the evidence.
 */
const flagPlacementLink = z.object({
  ingestionId: id,
  organizationId: positiveInt,
  placementId: positiveInt,
  actor: storableActor,
  evidence,
  /** Default true; false clears the mark (its own page answered again). */
  gone: z.boolean().optional(),
});

/** One draft, read like each of placementDrafts's. */
const placementDraft = z.unknown().transform((raw, ctx) => {
  const parsed = parsePlacementDraft(raw);
  if (parsed.ok) return parsed.value;
  for (const e of parsed.errors) ctx.addIssue({ code: 'custom', message: e.message, path: e.field.split('.') });
  return z.NEVER;
});

/**
 * An editor's edit: the placement's fields become these (every field, as the
 * edge merged the request into what it read). The worker records the old and
 * new values of what changed; a confirmed placement whose title or link
 * changed goes back to claimed. Refused when it would make the placement the
 * same story as another of its organization (the dedup key's unique index
 * holds under races), or when the placement is withdrawn.
 */
const editPlacement = z.object({
  ingestionId: id,
  organizationId: positiveInt,
  placementId: positiveInt,
  actor: z.string().max(500),
  placement: placementDraft,
  /** The edited fields as the edge read them (the worker refuses the edit when they changed since); absent in jobs queued before it existed. */
  expected: z.record(z.string(), z.unknown()).optional(),
});

/** Withdraw a placement (status withdrawn: counted nowhere, history kept), with an optional reason. */
const withdrawPlacement = z.object({
  ingestionId: id,
  organizationId: positiveInt,
  placementId: positiveInt,
  actor: z.string().max(500),
  reason: z.string().max(1000).nullish(),
});

/** Restore a withdrawn placement to the status it was withdrawn from. */
const restorePlacement = z.object({
  ingestionId: id,
  organizationId: positiveInt,
  placementId: positiveInt,
  actor: z.string().max(500),
});

/**
 * Options of every ingestion job: retried with exponential backoff (a
 * database restart, a lock), kept when failed so that an operator sees why.
 */
export const INGESTION_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  // Completed jobs carry their placements: keep few, Redis runs with noeviction.
  removeOnComplete: { age: 3600, count: 500 },
  removeOnFail: false,
};

/** The ingestion queue's contract: job name → payload schema. */
export const INGESTION_CONTRACT = defineQueue({
  name: INGESTION_QUEUE,
  jobs: {
    'placements.record': recordPlacements,
    'placements.record-batch': recordPlacementsBatch,
    'placement.set-status': setPlacementStatus,
    'placement.flag-link': flagPlacementLink,
    'placement.edit': editPlacement,
    'placement.withdraw': withdrawPlacement,
    'placement.restore': restorePlacement,
  },
  jobOptions: INGESTION_JOB_OPTIONS,
  worker: (config) => ({
    concurrency: config.ingestion.concurrency,
    lockDuration: config.ingestion.lockMs,
    stalledInterval: config.ingestion.stalledIntervalMs,
  }),
});

export type RecordPlacementsJob = z.output<typeof recordPlacements>;
/** A record job as producers write it (every draft whole). */
export type RecordPlacementsInput = z.input<typeof recordPlacements>;
export type RecordPlacementsBatchJob = z.output<typeof recordPlacementsBatch>;
export type SetPlacementStatusJob = z.output<typeof setPlacementStatus>;
export type FlagPlacementLinkJob = z.output<typeof flagPlacementLink>;
export type EditPlacementJob = z.output<typeof editPlacement>;
export type WithdrawPlacementJob = z.output<typeof withdrawPlacement>;
export type RestorePlacementJob = z.output<typeof restorePlacement>;

/** A job as producers enqueue it: the name fixes the payload type. */
export type IngestionJob = JobOf<typeof INGESTION_CONTRACT>;

/**
 * What the API tells of a submission it has queued, kept in Redis (beside
 * the queue, written in the same round trip as the jobs) until the worker
 * writes its ingestion row: GET /api/ingestions/:id answers "queued" from it.
 */
export interface IngestionReceipt {
  id: string;
  organizationId: number;
  kind: 'placements' | 'import' | 'status' | 'edit';
  received: number;
  accepted: number;
  rejected: number;
  /** The queue job that carries it (written by IngestionQueue). */
  jobId?: string;
}

/** How long a receipt is kept: far longer than any queue should take to drain. */
export const INGESTION_RECEIPT_TTL_SECONDS = 7 * 24 * 3600;
