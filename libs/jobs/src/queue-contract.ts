import type { JobsOptions, WorkerOptions } from 'bullmq';
import type { z } from 'zod';
import type { AppConfig } from '@pl/config';

/** Job name → the zod schema of its payload. */
export type JobSchemas = Record<string, z.ZodType>;

/**
 * One queue's contract, owned by the feature that serves it: the queue's
 * name, each job name with its payload schema, the options every job gets,
 * and how a worker of this queue runs. Names are stable strings stored in
 * Redis: renaming one strands the jobs already queued under the old name.
 */
export interface QueueContract<S extends JobSchemas = JobSchemas> {
  readonly name: string;
  readonly jobs: S;
  readonly jobOptions: JobsOptions;
  /** A worker's options from the configuration (concurrency, lock duration…). */
  readonly worker?: (config: AppConfig) => Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval'>;
}

export function defineQueue<const S extends JobSchemas>(contract: QueueContract<S>): QueueContract<S> {
  return contract;
}

export type JobName<C extends QueueContract> = keyof C['jobs'] & string;

/** A job's payload as a producer writes it. */
export type JobInput<C extends QueueContract, N extends JobName<C>> = z.input<C['jobs'][N]>;

/** A job's payload as its handler gets it: checked and parsed by the schema. */
export type JobData<C extends QueueContract, N extends JobName<C>> = z.output<C['jobs'][N]>;

/** A job as producers enqueue it: the name fixes the payload type. */
export type JobOf<C extends QueueContract> = { [N in JobName<C>]: { name: N; data: JobInput<C, N> } }[JobName<C>];
