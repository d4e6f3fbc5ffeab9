import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { ImportLimitError, ImportLimits } from './limits';
import type { ReadLedgerRefusal, ReadLedgerResult, ReadTask } from './ledger-reader.worker';
import type { LedgerFormat } from './types';

/**
 * The compiled task file. Under ts-jest-like runners this module is the .ts
 * source while a worker thread needs JavaScript: the tests' global setup
 * compiles dist/ first, so the source maps to its compiled twin there.
 */
function workerFile(): string {
  if (__filename.endsWith('.js')) return path.join(__dirname, 'ledger-reader.worker.js');
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  return path.join(root, 'dist', path.relative(root, __dirname), 'ledger-reader.worker.js');
}

/** The heap a reading thread may use: a file under the caps that still needs more fails alone. */
const THREAD_HEAP_MB = 384;

/**
 * Reads and checks uploaded ledgers off the event loop, on a worker thread
 * (node:worker_threads). Inflating a workbook and parsing hundreds of
 * thousands of rows is seconds of CPU: on the API's main thread it stalled
 * every request (/health took 9 s behind one zip bomb). A thread rather than
 * a queued job: the answer (column mapping, row errors) is what the request
 * waits for, and the file need not travel through Redis.
 *
 * One file at a time, each on a fresh thread: concurrent uploads queue
 * instead of taking both cores and their memory at once, a thread's heap is
 * capped (a file that still needs more fails alone, a 413, instead of growing
 * the API), and whatever a file left behind goes with its thread. Starting a
 * thread costs a few tens of ms beside seconds of reading. (piscina, the
 * usual pool, hangs inside Jest's module sandbox, where the API runs in
 * tests; a pool brings nothing for one thread used at a time.)
 */
@Injectable()
export class LedgerReader implements OnModuleDestroy {
  readonly limits: ImportLimits;
  /** The read in progress: the next one starts after it. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly running = new Set<Worker>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limits = config.imports;
  }

  /** The ledger read and checked, or ImportLimitError for a file over a cap. */
  async read(data: Buffer, format: LedgerFormat): Promise<ReadLedgerResult> {
    const run = this.tail.then(() => this.onThread({ data, format, limits: this.limits }));
    this.tail = run.catch(() => undefined);
    const result = await run;
    if (!result.ok) throw new ImportLimitError(result.limit, result.value, result.message, result.messageZh);
    return result;
  }

  private onThread(task: ReadTask): Promise<ReadLedgerResult | ReadLedgerRefusal> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerFile(), { workerData: { ledgerTask: task }, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
      this.running.add(worker);
      let answered = false;
      worker.once('message', (m: { result?: ReadLedgerResult | ReadLedgerRefusal; error?: string }) => {
        answered = true;
        if (m.result) resolve(m.result);
        else reject(new Error(`reading the ledger failed: ${m.error}`));
        void worker.terminate();
      });
      worker.once('error', (e: Error & { code?: string }) => {
        answered = true;
        // The thread ran out of its heap: a workbook under the caps that still needs too much memory.
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(
            new ImportLimitError(
              'IMPORT_MAX_DECOMPRESSED_BYTES',
              this.limits.maxDecompressedBytes,
              `file needs more than ${THREAD_HEAP_MB} MB of memory to read; split it or save it as CSV`,
              '文件过大，读取所需内存超过上限；请拆分文件或另存为 CSV 后再导入',
            ),
          );
        } else reject(e);
      });
      worker.once('exit', (code) => {
        this.running.delete(worker);
        if (!answered) reject(new Error(`the ledger reading thread stopped (exit code ${code})`));
      });
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.running].map((w) => w.terminate()));
  }
}
