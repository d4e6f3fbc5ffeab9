import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@pl/config';
import { CrawlingModule } from '@pl/crawling';
import { IngestionModule, LedgerModule } from '@pl/placements';
import { PersistenceModule } from '@pl/persistence';
import { ReportingModule } from '@pl/reporting';

/**
 * What operator commands need: the database, the queue's producer and, for
 * commands that wait for their writes, a worker in the same process.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, options: { withWorker: boolean }): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot(),
        LedgerModule,
        ReportingModule,
        CrawlingModule,
        ...(options.withWorker ? [IngestionModule] : []),
      ],
    };
  }
}
