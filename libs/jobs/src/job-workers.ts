import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { hostname } from 'node:os';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { JobHandlerSetupError, PermanentJobError } from './job-errors';
import { JobsConnections } from './jobs-connections';
import { JOB_HANDLER, JobHandlerMeta } from './on-job.decorator';
import type { QueueContract } from './queue-contract';

/** Injection token of the contracts a process serves (JobsModule.serve). */
export const SERVED_QUEUES = Symbol('pl:served-queues');

type Handler = (data: unknown, job: Job) => Promise<unknown>;

/** True for errors a retry cannot fix. */
function isPermanent(err: unknown): boolean {
  return err instanceof PermanentJobError || (err instanceof Error && (err as { permanent?: unknown }).permanent === true);
}

/**
 * The one jobs runtime: for every queue the process serves it finds the
 * handlers (@OnJob methods of any provider), refuses to start when a job of
 * the contract has none or two, and runs one BullMQ worker on a connection of
 * its own. Each job's payload is checked with its schema when the job is
 * taken; a payload that fails, or a permanent error, fails the job at once
 * (UnrecoverableError, kept in the failed set); anything else is retried
 * with the queue's backoff. Every failure is logged. On shutdown the workers
 * stop taking jobs and let those in flight finish, before anything they use
 * closes.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(SERVED_QUEUES) private readonly contracts: QueueContract[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: JobsConnections,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    const handlers = this.discoverHandlers();
    for (const contract of this.contracts) this.start(contract, handlers.get(contract.name)!);
  }

  /** Every served job's one handler, or JobHandlerSetupError listing what is missing or doubled. */
  private discoverHandlers(): Map<string, Map<string, Handler>> {
    const served = new Map(this.contracts.map((c) => [c.name, c]));
    const found = new Map<string, Map<string, { handler: Handler; where: string }[]>>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const meta = Reflect.getMetadata(JOB_HANDLER, fn) as JobHandlerMeta | undefined;
        if (!meta || !served.has(meta.queue)) continue;
        const byName = found.get(meta.queue) ?? new Map<string, { handler: Handler; where: string }[]>();
        found.set(meta.queue, byName);
        const list = byName.get(meta.name) ?? [];
        list.push({ handler: (fn as Handler).bind(instance), where: `${instance.constructor.name}.${method}` });
        byName.set(meta.name, list);
      }
    }
    const problems: string[] = [];
    const result = new Map<string, Map<string, Handler>>();
    for (const contract of this.contracts) {
      const byName = found.get(contract.name) ?? new Map<string, { handler: Handler; where: string }[]>();
      const handlers = new Map<string, Handler>();
      for (const name of Object.keys(contract.jobs)) {
        const list = byName.get(name) ?? [];
        if (list.length === 0) problems.push(`queue "${contract.name}": job "${name}" has no handler`);
        else if (list.length > 1) problems.push(`queue "${contract.name}": job "${name}" has ${list.length} handlers (${list.map((h) => h.where).join(', ')})`);
        else handlers.set(name, list[0].handler);
      }
      for (const [name, list] of byName) {
        if (!(name in contract.jobs)) problems.push(`queue "${contract.name}": ${list.map((h) => h.where).join(', ')} handles "${name}", which the contract does not name`);
      }
      result.set(contract.name, handlers);
    }
    if (problems.length > 0) throw new JobHandlerSetupError(problems);
    return result;
  }

  private start(contract: QueueContract, handlers: Map<string, Handler>): void {
    const schemas = contract.jobs;
    const worker = new Worker(
      contract.name,
      async (job: Job) => {
        const handler = handlers.get(job.name);
        if (!handler) throw new UnrecoverableError(`no handler for job name "${job.name}"`);
        const parsed = schemas[job.name].safeParse(job.data);
        if (!parsed.success) {
          const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`);
          throw new UnrecoverableError(`invalid payload: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`);
        }
        try {
          return await handler(parsed.data, job);
        } catch (err) {
          if (isPermanent(err)) throw new UnrecoverableError((err as Error).message);
          throw err;
        }
      },
      {
        connection: this.connections.forWorker(contract.name),
        prefix: this.connections.prefix,
        // Which process holds or held a job (BullMQ's processedBy, shown on the queue dashboard).
        name: `${hostname()}:${process.pid}`,
        ...contract.worker?.(this.config),
      },
    );
    worker.on('failed', (job, err) => {
      const attempts = job?.opts.attempts ?? 1;
      const final = err instanceof UnrecoverableError || (job?.attemptsMade ?? 0) >= attempts;
      this.logger.warn(
        `${contract.name} job ${job?.id} (${job?.name}) failed${final ? '' : `, will retry (attempt ${job?.attemptsMade}/${attempts})`}: ${err.message}`,
      );
    });
    worker.on('error', (err) => this.logger.error(`${contract.name} worker: ${err.message}`));
    this.workers.push(worker);
    this.logger.log(`serving queue "${contract.name}" (concurrency ${worker.opts.concurrency}, as ${worker.opts.name})`);
  }

  /**
   * Stops taking jobs and lets those in flight finish, before the shutdown
   * hooks that close what handlers use (producers, the database, fetchers).
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(
      workers.map(async (w) => {
        this.logger.log(`draining ${w.name} worker${signal ? ` on ${signal}` : ''}`);
        await w.close();
        this.logger.log(`${w.name} worker drained`);
      }),
    );
  }
}
