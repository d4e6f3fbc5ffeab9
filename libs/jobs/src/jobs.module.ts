import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobWorkers, SERVED_QUEUES } from './job-workers';
import { JobsConnections } from './jobs-connections';
import type { QueueContract } from './queue-contract';

/**
 * The jobs runtime. forRoot() once per process: the Redis connections every
 * producer shares. serve(...) in an app's composition: the queues this
 * process works on, whose handlers the feature modules it imports provide.
 */
@Module({})
export class JobsModule {
  static forRoot(): DynamicModule {
    return { module: JobsRootModule };
  }

  static serve(...contracts: QueueContract[]): DynamicModule {
    return {
      module: JobsModule,
      imports: [DiscoveryModule],
      providers: [{ provide: SERVED_QUEUES, useValue: contracts }, JobWorkers],
    };
  }
}

@Global()
@Module({ providers: [JobsConnections], exports: [JobsConnections] })
class JobsRootModule {}
