import { Module } from '@nestjs/common';
import { ReportingModule } from '../reporting.module';
import { ReportHandlers } from './report-handlers';

/** The reports queue's handler; a process serves the queue through @pl/worker-runtime (queue "reports"). */
@Module({ imports: [ReportingModule], providers: [ReportHandlers] })
export class ReportWorkerModule {}
