import { Module } from '@nestjs/common';
import { IngestionHandlers } from './ingestion-handlers';
import { PlacementWriter } from './placement-writer';

/** The ingestion queue's handlers and the writer they call; a process serves the queue through @pl/worker-runtime (queue "ingestion"). */
@Module({ providers: [PlacementWriter, IngestionHandlers], exports: [PlacementWriter] })
export class IngestionModule {}
