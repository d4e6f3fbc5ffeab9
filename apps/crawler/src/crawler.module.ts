import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@pl/config';
import { CrawlerWorkerModule } from '@pl/crawling';
import { PersistenceModule } from '@pl/persistence';

/** The crawler process: crawl jobs and their schedules; no HTTP server. */
@Module({})
export class CrawlerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CrawlerModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule.forRoot(), CrawlerWorkerModule],
    };
  }
}
