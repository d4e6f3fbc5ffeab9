import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '../../../libs/config/src';
import { IngestionModule } from '../../../libs/ingestion/src';
import { PersistenceModule } from '../../../libs/persistence/src';
import { QueueModule } from '../../../libs/queue/src';
import { ReportWorkerModule } from '../../../libs/reporting/src';

/** The worker process: ingestion and queued reports; no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule.forRoot(), QueueModule, IngestionModule, ReportWorkerModule],
    };
  }
}
