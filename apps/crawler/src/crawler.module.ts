import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '../../../libs/config/src';
import { CrawlerWorkerModule } from '../../../libs/crawling/src';
import { PersistenceModule } from '../../../libs/persistence/src';
import { QueueModule } from '../../../libs/queue/src';

/** The crawler process: crawl jobs and their schedules; no HTTP server. */
@Module({})
export class CrawlerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CrawlerModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule.forRoot(), QueueModule, CrawlerWorkerModule],
    };
  }
}
