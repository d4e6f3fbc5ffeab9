import { Module } from '@nestjs/common';
import { ReportingModule } from '../reporting.module';
import { ReportWorker } from './report-worker';

/** The worker side of queued reports. */
@Module({ imports: [ReportingModule], providers: [ReportWorker] })
export class ReportWorkerModule {}
