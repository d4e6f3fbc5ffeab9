import type { JobsOptions } from 'bullmq';
import type { PlacementDraft, PlacementSource, PlacementStatus } from '@pl/domain';

/** The queue every placement write goes through. */
export const INGESTION_QUEUE = 'ingestion';

/** Record new placements: one from a form, a chunk of a bulk or an import. */
export interface RecordPlacementsJob {
  ingestionId: string;
  /** Position of this job within its ingestion; (ingestionId, chunk) is written once. */
  chunk: number;
  /** Entries of the whole ingestion that passed the edge (all chunks). */
  accepted: number;
  organizationId: number;
  source: PlacementSource;
  /** Who submitted: an editor's name, `import:<file>`, `crawler`… */
  actor: string;
  placements: PlacementDraft[];
  /**
   * Per placement, in order: the evidence its creation event keeps (a
   * discovered placement: where the crawler found it), or null.
   */
  evidence?: (Record<string, unknown> | null)[];
}

/**
 * Several small record jobs that reached the producer together (single
 * submissions under load), carried by one queue job so that the queue pays
 * for one job instead of many. Each record is claimed, deduplicated and
 * counted exactly as if it were its own 'placements.record' job, so a retry
 * of the whole batch changes nothing already committed.
 */
export interface RecordPlacementsBatchJob {
  records: RecordPlacementsJob[];
}

/** Move a placement to a new status (confirm, reject, dismiss), with a reason or evidence. */
export interface SetPlacementStatusJob {
  ingestionId: string;
  organizationId: number;
  placementId: number;
  status: PlacementStatus;
  actor: string;
  reason?: string | null;
  evidence?: Record<string, unknown> | null;
}

/**
 * Mark a placement's link as gone (404/410 when the crawler fetched it), or,
 * with `gone: false`, as answering again, with the evidence.
 */
export interface FlagPlacementLinkJob {
  ingestionId: string;
  organizationId: number;
  placementId: number;
  actor: string;
  evidence: Record<string, unknown>;
  /** Default true; false clears the mark (its own page answered again). */
  gone?: boolean;
}

/**
 * Job name → payload. Names are stable strings stored in Redis: renaming one
 * strands the jobs already queued under the old name.
 */
export interface IngestionJobs {
  'placements.record': RecordPlacementsJob;
  'placements.record-batch': RecordPlacementsBatchJob;
  'placement.set-status': SetPlacementStatusJob;
  'placement.flag-link': FlagPlacementLinkJob;
}

export type IngestionJobName = keyof IngestionJobs;


/** A job as producers enqueue it: the name fixes the payload type. */
export type IngestionJob = {
  [N in IngestionJobName]: { name: N; data: IngestionJobs[N] };
}[IngestionJobName];

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
