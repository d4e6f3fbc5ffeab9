import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@pl/config';
import { JobsModule } from '@pl/jobs';
import { PersistenceModule } from '@pl/persistence';
import { INGESTION_CONTRACT, IngestionModule } from '@pl/placements';
import { REPORTS_CONTRACT, ReportWorkerModule } from '@pl/reporting';

/** The worker process: serves the ingestion and reports queues; no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot(),
        JobsModule.forRoot(),
        JobsModule.serve(INGESTION_CONTRACT, REPORTS_CONTRACT),
        IngestionModule,
        ReportWorkerModule,
      ],
    };
  }
}
