import { DynamicModule, Module, Type } from '@nestjs/common';
import { AppConfig, ConfigModule, JsonLogsModule } from '@pl/config';
import { CRAWL_CONTRACT, CrawlerWorkerModule } from '@pl/crawling';
import { JobsModule, QueueContract } from '@pl/jobs';
import { PersistenceModule } from '@pl/persistence';
import { INGESTION_CONTRACT, IngestionModule } from '@pl/placements';
import { REPORTS_CONTRACT, ReportWorkerModule } from '@pl/reporting';

/** Every queue a process can serve, by name: its contract and the feature module that provides its handlers. */
const QUEUES = {
  ingestion: { contract: INGESTION_CONTRACT, handlers: IngestionModule },
  reports: { contract: REPORTS_CONTRACT, handlers: ReportWorkerModule },
  crawl: { contract: CRAWL_CONTRACT, handlers: CrawlerWorkerModule },
} satisfies Record<string, { contract: QueueContract; handlers: Type }>;

export type QueueName = keyof typeof QUEUES;

/** The queues of the worker process (apps/worker); the API's worker thread (`--with-worker`) serves the same. */
export const WORKER_QUEUES: readonly QueueName[] = ['ingestion', 'reports'];

/**
 * How a process that works on queues is composed, once for every app:
 * forRoot(config, {queues}) is a whole worker-type process (the worker, the
 * crawler, the API's worker thread): the configuration, the JSON logs, the
 * database, the jobs runtime and the named queues with their handlers. serve(queues) adds
 * queues to a process that composes the rest itself (the API with
 * --with-worker, the CLI waiting for its import).
 */
@Module({})
export class WorkerRuntimeModule {
  static forRoot(config: AppConfig, options: { queues: readonly QueueName[] }): DynamicModule {
    return {
      module: WorkerRuntimeModule,
      imports: [ConfigModule.forRoot(config), JsonLogsModule.forRoot(config), PersistenceModule.forRoot(), JobsModule.forRoot(), WorkerRuntimeModule.serve(options.queues)],
    };
  }

  /** The named queues' workers and their handlers' modules; the process provides config, database and JobsModule.forRoot(). */
  static serve(queues: readonly QueueName[]): DynamicModule {
    return {
      module: ServedQueuesModule,
      imports: [JobsModule.serve(...queues.map((q) => QUEUES[q].contract)), ...new Set(queues.map((q) => QUEUES[q].handlers))],
    };
  }
}

@Module({})
class ServedQueuesModule {}
