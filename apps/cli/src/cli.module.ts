import { DynamicModule, Module, Type } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@pl/config';
import { JobsModule } from '@pl/jobs';
import { LedgerModule } from '@pl/placements';
import { PersistenceModule } from '@pl/persistence';
import { ReportingModule } from '@pl/reporting';
import { WorkerRuntimeModule } from '@pl/worker-runtime';

/**
 * What operator commands need: the database, the queue's producer (not
 * connected at start for a command that never queues) and, for
 * commands that wait for their writes, a worker in the same process; a
 * command that needs more (crawl: the crawling lib) brings its module, so
 * that the others do not load it.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, options: { withWorker: boolean; queue?: boolean; modules?: Type[] }): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot(),
        // A command that never queues (reports) connects to Redis only if it ever does.
        JobsModule.forRoot({ connect: options.queue ?? true }),
        LedgerModule,
        ReportingModule,
        ...(options.modules ?? []),
        ...(options.withWorker ? [WorkerRuntimeModule.serve(['ingestion'])] : []),
      ],
    };
  }
}
