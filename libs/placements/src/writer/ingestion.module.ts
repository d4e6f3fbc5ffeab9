import { Module } from '@nestjs/common';
import { IngestionWorker } from './ingestion-worker';
import { PlacementWriter } from './placement-writer';

/** The ingestion worker: consumes the ingestion queue and writes placements. */
@Module({ providers: [PlacementWriter, IngestionWorker], exports: [PlacementWriter] })
export class IngestionModule {}
