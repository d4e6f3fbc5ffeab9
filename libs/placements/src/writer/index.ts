export { IngestionModule } from './ingestion.module';
export { IngestionWorker } from './ingestion-worker';
export { PLACEMENT_COLUMNS, PlacementWriter, PermanentJobError, RecordOutcome } from './placement-writer';
export { GroupCommit } from './group-commit';
