import { Global, Module } from '@nestjs/common';
import { IngestionQueue } from './ingestion-queue';
import { CrawlQueue } from './crawl-queue';
import { ReportQueue } from './report-queue';

@Global()
@Module({ providers: [IngestionQueue, ReportQueue, CrawlQueue], exports: [IngestionQueue, ReportQueue, CrawlQueue] })
export class QueueModule {}
