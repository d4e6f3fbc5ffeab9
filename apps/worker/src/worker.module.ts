import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@pl/config';
import { IngestionModule } from '@pl/placements';
import { PersistenceModule } from '@pl/persistence';
import { ReportWorkerModule } from '@pl/reporting';

/** The worker process: ingestion and queued reports; no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule.forRoot(), IngestionModule, ReportWorkerModule],
    };
  }
}
