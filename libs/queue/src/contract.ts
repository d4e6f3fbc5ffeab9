import type { JobsOptions } from 'bullmq';
import type { PlacementDraft, PlacementSource, PlacementStatus } from '../../domain/src';

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
 * Job name → payload. Names are stable strings stored in Redis: renaming one
 * strands the jobs already queued under the old name.
 */
export interface IngestionJobs {
  'placements.record': RecordPlacementsJob;
  'placement.set-status': SetPlacementStatusJob;
}

export type IngestionJobName = keyof IngestionJobs;

export const INGESTION_JOB_NAMES: readonly IngestionJobName[] = [
  'placements.record',
  'placement.set-status',
];

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
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
};
