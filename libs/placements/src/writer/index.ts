export { IngestionModule } from './ingestion.module';
export { IngestionHandlers } from './ingestion-handlers';
export { PLACEMENT_COLUMNS, PlacementWriter, RecordOutcome } from './placement-writer';
export { GroupCommit } from './group-commit';
