import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '../../../libs/config/src';
import { CrawlingModule } from '../../../libs/crawling/src';
import { IngestionModule } from '../../../libs/ingestion/src';
import { LedgerModule } from '../../../libs/ledger/src';
import { PersistenceModule } from '../../../libs/persistence/src';
import { QueueModule } from '../../../libs/queue/src';
import { ReportingModule } from '../../../libs/reporting/src';

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
        QueueModule,
        LedgerModule,
        ReportingModule,
        CrawlingModule,
        ...(options.withWorker ? [IngestionModule] : []),
      ],
    };
  }
}
