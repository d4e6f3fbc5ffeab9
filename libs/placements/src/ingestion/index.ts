export * from './contract';
export { IngestionQueue, packJobs } from './ingestion-queue';
