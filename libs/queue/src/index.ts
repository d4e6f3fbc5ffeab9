export * from './contract';
export { IngestionQueue, QueueUnavailableError } from './ingestion-queue';
export { QueueModule } from './queue.module';
export {
  assertRedisReachable,
  producerConnection,
  redactRedisUrl,
  RedisUnreachableError,
  workerConnection,
} from './redis-connection';
