import { Injectable, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Job, Queue, QueueEvents } from 'bullmq';
import { z } from 'zod';
import { ConfigModule, loadConfig } from '@pl/config';
import { REDIS_URL, deleteRedisKeys, uniquePrefix } from '../../../test/support/harness';
import { JobData, JobHandlerSetupError, JobsConnections, JobsModule, OnJob, PermanentJobError, defineQueue } from '.';

/** A queue of the test's own: one job that does what its payload says, one that echoes. */
const TEST_CONTRACT = defineQueue({
  name: 'runtime-test',
  jobs: {
    'test.act': z.object({ id: z.string(), action: z.enum(['ok', 'permanent', 'transient-once', 'slow']), count: z.number().int() }),
    'test.echo': z.object({ text: z.string() }),
  },
  jobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 50 }, removeOnComplete: false, removeOnFail: false },
  worker: () => ({ concurrency: 2 }),
});
type Act = JobData<typeof TEST_CONTRACT, 'test.act'>;

/** What the handlers saw, for the outcome assertions. */
const seen: { calls: string[]; finishedSlow: string[] } = { calls: [], finishedSlow: [] };

@Injectable()
class ActHandlers {
  private failedOnce = new Set<string>();

  @OnJob(TEST_CONTRACT, 'test.act')
  async act(data: Act): Promise<unknown> {
    seen.calls.push(data.id);
    if (data.action === 'permanent') throw new PermanentJobError(`item ${data.id} can never be done`);
    if (data.action === 'transient-once' && !this.failedOnce.has(data.id)) {
      this.failedOnce.add(data.id);
      throw new Error('database busy, try again');
    }
    if (data.action === 'slow') {
      await new Promise((r) => setTimeout(r, 800));
      seen.finishedSlow.push(data.id);
    }
    return { doubled: data.count * 2 };
  }
}

@Injectable()
class EchoHandlers {
  @OnJob(TEST_CONTRACT, 'test.echo')
  async echo({ text }: JobData<typeof TEST_CONTRACT, 'test.echo'>): Promise<string> {
    return text;
  }
}

@Injectable()
class SecondEchoHandlers {
  @OnJob(TEST_CONTRACT, 'test.echo')
  async echoAgain({ text }: JobData<typeof TEST_CONTRACT, 'test.echo'>): Promise<string> {
    return text;
  }
}

function configFor(prefix: string) {
  return loadConfig({ NODE_ENV: 'test', REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'error' });
}

/** A process that serves the test queue with these handler providers, not yet started. */
async function processServing(prefix: string, handlers: (new (...args: never[]) => unknown)[]) {
  @Module({ providers: handlers })
  class HandlersModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(configFor(prefix)), JobsModule.forRoot(), JobsModule.serve(TEST_CONTRACT), HandlersModule],
  }).compile();
  moduleRef.useLogger(['error']);
  return moduleRef;
}

/** Starting the process fails: the error, once what was opened is closed again. */
async function startupError(prefix: string, handlers: (new (...args: never[]) => unknown)[]): Promise<string> {
  const starting = await processServing(prefix, handlers);
  const error = await starting.init().then(() => null, (err: unknown) => err);
  // Nest's close() rethrows a failed init: close the one thing opened (a real process exits).
  await starting.get(JobsConnections).onApplicationShutdown();
  expect(error).toBeInstanceOf(JobHandlerSetupError);
  return (error as Error).message;
}

describe('the jobs runtime (real Redis)', () => {
  const prefixes: string[] = [];
  const prefix = () => {
    const p = uniquePrefix();
    prefixes.push(p);
    return p;
  };
  afterAll(async () => {
    for (const p of prefixes) await deleteRedisKeys(p);
  });

  it('refuses to start when a job of a served queue has no handler', async () => {
    expect(await startupError(prefix(), [ActHandlers])).toMatch(/queue "runtime-test": job "test.echo" has no handler/);
  });

  it('refuses to start when a job has two handlers, naming both', async () => {
    expect(await startupError(prefix(), [ActHandlers, EchoHandlers, SecondEchoHandlers])).toMatch(
      /job "test.echo" has 2 handlers \(EchoHandlers\.echo, SecondEchoHandlers\.echoAgain\)/,
    );
  });

  describe('serving a queue', () => {
    let p: string;
    let app: Awaited<ReturnType<typeof processServing>> | undefined;
    let queue: Queue;
    let events: QueueEvents;
    const warnings: string[] = [];

    beforeAll(async () => {
      p = prefix();
      jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
      app = await processServing(p, [ActHandlers, EchoHandlers]);
      await app.init();
      queue = new Queue(TEST_CONTRACT.name, { connection: { url: REDIS_URL }, prefix: p, defaultJobOptions: TEST_CONTRACT.jobOptions });
      events = new QueueEvents(TEST_CONTRACT.name, { connection: { url: REDIS_URL }, prefix: p });
      await events.waitUntilReady();
    });
    afterAll(async () => {
      jest.restoreAllMocks();
      await events?.close();
      await queue?.close();
      await app?.close();
    });

    /** Waits until the job has completed or failed for good; returns it as stored. */
    async function settled(job: Job): Promise<Job> {
      await job.waitUntilFinished(events, 15_000).catch(() => undefined);
      return (await queue.getJob(job.id!))!;
    }

    it('runs the handler with the parsed payload and keeps its result', async () => {
      const job = await settled(await queue.add('test.act', { id: 'a1', action: 'ok', count: 21 }));
      expect(await job.getState()).toBe('completed');
      expect(job.returnvalue).toEqual({ doubled: 42 });
      expect(seen.calls).toContain('a1');
    });

    it('fails a job whose payload breaks its schema at once, without calling the handler, and logs it', async () => {
      const job = await settled(await queue.add('test.act', { id: 'bad1', action: 'explode', count: 'many' }));
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/^invalid payload: action: .*; count: /);
      expect(seen.calls).not.toContain('bad1');
      expect(warnings.some((w) => w.includes(`runtime-test job ${job.id} (test.act) failed: invalid payload`))).toBe(true);
    });

    it('fails a permanent error at once, and retries a transient one until it passes', async () => {
      const permanent = await settled(await queue.add('test.act', { id: 'p1', action: 'permanent', count: 1 }));
      expect(await permanent.getState()).toBe('failed');
      expect(permanent.attemptsMade).toBe(1);
      expect(permanent.failedReason).toBe('item p1 can never be done');

      const transient = await settled(await queue.add('test.act', { id: 't1', action: 'transient-once', count: 2 }));
      expect(await transient.getState()).toBe('completed');
      expect(transient.attemptsMade).toBe(2);
      expect(transient.returnvalue).toEqual({ doubled: 4 });
      expect(warnings.some((w) => w.includes('will retry (attempt 1/3): database busy, try again'))).toBe(true);
    });

    it('fails a job name its contract does not know', async () => {
      const job = await settled(await queue.add('test.unknown', { id: 'u1' }));
      expect(await job.getState()).toBe('failed');
      expect(job.failedReason).toBe('no handler for job name "test.unknown"');
    });

    it('lets the jobs in flight finish when the process closes, and takes no more', async () => {
      const slow = await queue.add('test.act', { id: 's1', action: 'slow', count: 3 });
      await new Promise<void>((resolve) => {
        const check = async () => ((await slow.getState()) === 'active' ? resolve() : setTimeout(check, 20));
        void check();
      });
      await app!.close();
      expect(seen.finishedSlow).toContain('s1');
      expect(await (await queue.getJob(slow.id!))!.getState()).toBe('completed');
      const after = await queue.add('test.echo', { text: 'nobody serves me now' });
      await new Promise((r) => setTimeout(r, 300));
      expect(await after.getState()).toBe('waiting');
      app = undefined;
    });
  });
});
