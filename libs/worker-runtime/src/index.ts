export { QueueName, WORKER_QUEUES, WorkerRuntimeModule } from './worker-runtime.module';
