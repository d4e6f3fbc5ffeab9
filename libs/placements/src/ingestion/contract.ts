import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { PLACEMENT_SOURCES, PLACEMENT_STATUSES, PlacementDraft, parsePlacementDraft } from '@pl/domain';
import { defineQueue, JobOf } from '@pl/jobs';

/** The queue every placement write goes through. */
export const INGESTION_QUEUE = 'ingestion';

/**
 * The drafts a job carries, each read by parsePlacementDraft: its fast path
 * for the plain shape the edge writes, zod's placementDraftSchema for
 * anything else. One loop over the list rather than z.array(a schema per
 * draft): zod's per-element machinery costs ~20 µs a draft, twenty times the
 * fast path, which at 100 jobs of 500 drafts held at once kept a worker's
 * event loop from renewing its job locks.
 */
const placementDrafts = z
  .custom<PlacementDraft[]>((v) => Array.isArray(v), 'placements must be a list')
  .transform((raws, ctx) => {
    const drafts: PlacementDraft[] = new Array(raws.length);
    let ok = true;
    for (let i = 0; i < raws.length; i++) {
      const parsed = parsePlacementDraft(raws[i]);
      if (parsed.ok) drafts[i] = parsed.value;
      else {
        ok = false;
        for (const e of parsed.errors) ctx.addIssue({ code: 'custom', message: e.message, path: [i, ...e.field.split('.')] });
      }
    }
    return ok ? drafts : z.NEVER;
  });

const id = z.string().min(1).max(64);
const positiveInt = z.number().int().positive();
const evidence = z.record(z.string(), z.unknown());

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
  actor: z.string().max(500),
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
  actor: z.string().max(500),
  reason: z.string().nullish(),
  evidence: evidence.nullish(),
});

/**
 * Mark a placement's link as gone (404/410 when the crawler fetched it), or,
 * with `gone: false`, as answering again, with the evidence.
 */
const flagPlacementLink = z.object({
  ingestionId: id,
  organizationId: positiveInt,
  placementId: positiveInt,
  actor: z.string().max(500),
  evidence,
  /** Default true; false clears the mark (its own page answered again). */
  gone: z.boolean().optional(),
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
  },
  jobOptions: INGESTION_JOB_OPTIONS,
  worker: (config) => ({
    concurrency: config.ingestion.concurrency,
    lockDuration: config.ingestion.lockMs,
    stalledInterval: config.ingestion.stalledIntervalMs,
  }),
});

export type RecordPlacementsJob = z.output<typeof recordPlacements>;
export type RecordPlacementsBatchJob = z.output<typeof recordPlacementsBatch>;
export type SetPlacementStatusJob = z.output<typeof setPlacementStatus>;
export type FlagPlacementLinkJob = z.output<typeof flagPlacementLink>;

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
  kind: 'placements' | 'import' | 'status';
  received: number;
  accepted: number;
  rejected: number;
}

/** How long a receipt is kept: far longer than any queue should take to drain. */
export const INGESTION_RECEIPT_TTL_SECONDS = 7 * 24 * 3600;
