import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@pl/config';
import { CRAWL_CONTRACT, CrawlerWorkerModule } from '@pl/crawling';
import { JobsModule } from '@pl/jobs';
import { PersistenceModule } from '@pl/persistence';

/** The crawler process: serves the crawl queue and puts its schedules in place; no HTTP server. */
@Module({})
export class CrawlerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CrawlerModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule.forRoot(), JobsModule.forRoot(), JobsModule.serve(CRAWL_CONTRACT), CrawlerWorkerModule],
    };
  }
}
