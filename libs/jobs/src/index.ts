export { JobsModule } from './jobs.module';
export { JobsConnections, JobsOptions } from './jobs-connections';
export { defineQueue, JobData, JobInput, JobName, JobOf, JobSchemas, QueueContract } from './queue-contract';
export { OnJob } from './on-job.decorator';
export { JobHandlerSetupError, PermanentJobError } from './job-errors';
export { QueueProducer, QueueUnavailableError, ENQUEUE_TIMEOUT_MS } from './queue-producer';
export {
  assertRedisReachable,
  producerConnection,
  redactRedisUrl,
  RedisUnreachableError,
  workerConnection,
} from './redis-connection';
