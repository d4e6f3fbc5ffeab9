import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '../../../libs/config/src';
import { IngestionModule } from '../../../libs/ingestion/src';
import { PersistenceModule } from '../../../libs/persistence/src';

/** The ingestion worker process: no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule.forRoot(), IngestionModule],
    };
  }
}
