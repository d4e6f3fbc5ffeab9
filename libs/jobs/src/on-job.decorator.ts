import type { Job } from 'bullmq';
import type { JobData, JobName, QueueContract } from './queue-contract';

/** Metadata key of a job handler method. */
export const JOB_HANDLER = Symbol('pl:job-handler');

export interface JobHandlerMeta {
  queue: string;
  name: string;
}

/** What a handler method looks like for job `N` of contract `C`: its return value is the job's result. */
export type JobHandlerMethod<C extends QueueContract, N extends JobName<C>> = (data: JobData<C, N>, job: Job) => Promise<unknown>;

/**
 * Marks a provider's method as the handler of one job of a queue. The
 * method's parameter must be that job's payload type (a compile error
 * otherwise); the runtime finds it when the process serves the queue, and
 * refuses to start when a job of a served queue has no handler or two.
 */
export function OnJob<C extends QueueContract, N extends JobName<C>>(contract: C, name: N) {
  return (_target: object, _key: string | symbol, descriptor: { value?: JobHandlerMethod<C, N> }): void => {
    Reflect.defineMetadata(JOB_HANDLER, { queue: contract.name, name } satisfies JobHandlerMeta, descriptor.value!);
  };
}
