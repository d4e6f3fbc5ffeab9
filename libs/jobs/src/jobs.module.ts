import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobWorkers, SERVED_QUEUES } from './job-workers';
import { JOBS_OPTIONS, JobsConnections, JobsOptions } from './jobs-connections';
import type { QueueContract } from './queue-contract';

/**
 * The jobs runtime. forRoot() once per process: the Redis connections every
 * producer shares. serve(...) in an app's composition: the queues this
 * process works on, whose handlers the feature modules it imports provide.
 */
@Module({})
export class JobsModule {
  /** `connect: false`: the producer connection is made only when something is queued (see JobsConnections). */
  static forRoot(options: JobsOptions = {}): DynamicModule {
    return { module: JobsRootModule, providers: [{ provide: JOBS_OPTIONS, useValue: options }] };
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
