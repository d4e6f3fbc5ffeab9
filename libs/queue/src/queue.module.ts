import { Global, Module } from '@nestjs/common';
import { IngestionQueue } from './ingestion-queue';
import { ReportQueue } from './report-queue';

@Global()
@Module({ providers: [IngestionQueue, ReportQueue], exports: [IngestionQueue, ReportQueue] })
export class QueueModule {}
