export { QueueProducer, QueueUnavailableError, ENQUEUE_TIMEOUT_MS } from './queue-producer';
export {
  assertRedisReachable,
  producerConnection,
  redactRedisUrl,
  RedisUnreachableError,
  workerConnection,
} from './redis-connection';
