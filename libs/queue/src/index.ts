export * from './contract';
export { IngestionQueue } from './ingestion-queue';
export { QueueModule } from './queue.module';
export { ReportQueue } from './report-queue';
export { CrawlQueue, sourceSchedulerId } from './crawl-queue';
export { QueueProducer, QueueUnavailableError } from './queue-producer';
export {
  assertRedisReachable,
  producerConnection,
  redactRedisUrl,
  RedisUnreachableError,
  workerConnection,
} from './redis-connection';
