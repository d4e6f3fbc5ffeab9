import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { AppConfig, releaseMemoryWhenIdle, useJsonLogs } from '@pl/config';
import { WORKER_QUEUES, WorkerRuntimeModule } from '@pl/worker-runtime';

/** Messages between the API's main thread and its worker thread. */
type ToThread = { type: 'drain' };
type FromThread = { type: 'ready' } | { type: 'failed'; message: string };

/**
 * The workers of the single-machine process (`npm start`): the ingestion
 * worker and the report worker on a thread of their own, so that writing
 * placements and rendering reports use the second core instead of queueing
 * behind HTTP requests on the first (bench:ingest (b), all in one process).
 * The thread serves what the worker process (apps/worker) serves, with its
 * own database connection; the API's main thread keeps the crawler.
 */
export class WorkerThread {
  private exited: Promise<number>;
  private expectedExit = false;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
  }

  /**
   * Starts the thread with the process's validated config; resolves once its
   * workers take jobs. Call after the API has migrated the database.
   */
  static async start(config: AppConfig, onUnexpectedExit: (code: number) => void): Promise<WorkerThread> {
    const thread = new WorkerThread(new Worker(__filename, { workerData: config }));
    await new Promise<void>((resolve, reject) => {
      thread.worker.once('error', reject);
      thread.worker.on('message', (msg: FromThread) => {
        if (msg.type === 'ready') resolve();
        else reject(new Error(`worker thread: ${msg.message}`));
      });
      void thread.exited.then((code) => reject(new Error(`worker thread exited (${code}) before it was ready`)));
    });
    void thread.exited.then((code) => {
      if (!thread.expectedExit) onUnexpectedExit(code);
    });
    return thread;
  }

  /** Lets the workers finish the jobs they hold (as a worker process does on SIGTERM), then ends the thread. */
  async drain(): Promise<void> {
    this.expectedExit = true;
    this.worker.postMessage({ type: 'drain' } satisfies ToThread);
    await this.exited;
  }
}

/** Inside the thread: the worker process's composition (the same queues, WORKER_QUEUES), closed (drained) when the main thread says so. */
async function runThread(config: AppConfig): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerRuntimeModule.forRoot(config, { queues: WORKER_QUEUES }), { bufferLogs: true });
  useJsonLogs(app);
  const stopReleasing = releaseMemoryWhenIdle('worker thread');
  parentPort!.on('message', (msg: ToThread) => {
    if (msg.type !== 'drain') return;
    stopReleasing();
    void app.close().then(() => parentPort!.close());
  });
  new Logger('WorkerThread').log('ingestion and report workers ready on a worker thread');
  parentPort!.postMessage({ type: 'ready' } satisfies FromThread);
}

if (!isMainThread && parentPort) {
  runThread(workerData as AppConfig).catch((err: unknown) => {
    parentPort!.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies FromThread);
  });
}
