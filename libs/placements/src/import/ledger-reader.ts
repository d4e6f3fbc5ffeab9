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

/** How long the reading thread is kept without a file to read: then it ends, and its memory with it. */
const IDLE_MS = 10_000;

/** What the thread answers for each file it is sent. */
type ThreadAnswer = { result?: ReadLedgerResult | ReadLedgerRefusal; error?: string };

/**
 * Reads and checks uploaded ledgers off the event loop, on a worker thread
 * (node:worker_threads). Inflating a workbook and parsing hundreds of
 * thousands of rows is seconds of CPU: on the API's main thread it stalled
 * every request (/health took 9 s behind one zip bomb). A thread rather than
 * a queued job: the answer (column mapping, row errors) is what the request
 * waits for, and the file need not travel through Redis.
 *
 * One file at a time, on one thread kept while files come: concurrent
 * uploads queue instead of taking both cores and their memory at once, and
 * the thread's heap is capped (a file that still needs more fails alone, a
 * 413, instead of growing the API; the next file gets a new thread). The
 * thread is kept between files because starting one is not cheap: loading
 * the reading code (ExcelJS, zod) took 0.4–0.6 s of CPU before the first
 * byte was read, on each file, which the API's main thread had to share the
 * machine's cores with. It ends after IDLE_MS without a file, and whatever
 * the files left behind goes with it. (piscina, the usual pool, hangs inside
 * Jest's module sandbox, where the API runs in tests; a pool brings nothing
 * for one thread used at a time.)
 */
@Injectable()
export class LedgerReader implements OnModuleDestroy {
  readonly limits: ImportLimits;
  /** The read in progress: the next one starts after it. */
  private tail: Promise<unknown> = Promise.resolve();
  /** The reading thread, while it runs. */
  private thread: Worker | null = null;
  private idle: NodeJS.Timeout | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limits = config.imports;
  }

  /**
   * The ledger read and checked, or ImportLimitError for a file over a cap.
   * `data` is handed to the thread: an upload's buffer (its own memory) is
   * empty afterwards.
   */
  async read(data: Buffer, format: LedgerFormat): Promise<ReadLedgerResult> {
    const run = this.tail.then(() => this.onThread({ data, format, limits: this.limits }));
    this.tail = run.catch(() => undefined);
    const result = await run;
    if (!result.ok) throw new ImportLimitError(result.limit, result.value, result.message, result.messageZh);
    return result;
  }

  /** The running thread, or a new one. */
  private started(): Worker {
    if (this.thread) return this.thread;
    const worker = new Worker(workerFile(), { workerData: { ledgerReader: true }, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    // A thread that failed (its error is the file's, see onThread) is not used again.
    const gone = () => {
      if (this.thread === worker) this.thread = null;
    };
    worker.on('error', gone);
    worker.once('exit', gone);
    this.thread = worker;
    return worker;
  }

  private onThread(task: ReadTask): Promise<ReadLedgerResult | ReadLedgerRefusal> {
    clearTimeout(this.idle);
    const worker = this.started();
    return new Promise<ReadLedgerResult | ReadLedgerRefusal>((resolve, reject) => {
      // Reading, the thread keeps the process alive (a script awaiting the answer has nothing else); idle, it does not.
      worker.ref();
      const done = () => {
        worker.unref();
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (m: ThreadAnswer) => {
        done();
        if (m.result) resolve(m.result);
        else reject(new Error(`reading the ledger failed: ${m.error}`));
      };
      const onError = (e: Error & { code?: string }) => {
        done();
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
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(`the ledger reading thread stopped (exit code ${code})`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      // The file is handed over, not copied: cloning a 10 MB upload held the event loop 5-20 ms and doubled
      // its memory. A buffer that shares its memory (Node's pool of small buffers), or that Node will not
      // let go, is copied.
      const { buffer, byteOffset, byteLength } = task.data;
      const own = buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength;
      try {
        worker.postMessage({ task }, own ? [buffer] : []);
      } catch {
        worker.postMessage({ task });
      }
    }).finally(() => {
      clearTimeout(this.idle);
      this.idle = setTimeout(() => void this.stop(), IDLE_MS).unref();
    });
  }

  private async stop(): Promise<void> {
    const worker = this.thread;
    this.thread = null;
    await worker?.terminate();
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.idle);
    await this.stop();
  }
}
