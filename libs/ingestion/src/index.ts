export { IngestionModule } from './ingestion.module';
export { IngestionWorker } from './ingestion-worker';
export { PlacementWriter, PermanentJobError, RecordOutcome } from './placement-writer';
export { GroupCommit } from './group-commit';
