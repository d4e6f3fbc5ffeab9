import { Global, Module } from '@nestjs/common';
import { IngestionQueue } from './ingestion-queue';

@Global()
@Module({ providers: [IngestionQueue], exports: [IngestionQueue] })
export class QueueModule {}
