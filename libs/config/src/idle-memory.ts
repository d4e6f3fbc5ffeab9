import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How often the thread's activity and heap are looked at. */
const CHECK_MS = 2_000;
/** Checks in a row below IDLE_UTILIZATION before the thread counts as idle (≥ 4 s quiet). */
const IDLE_CHECKS = 2;
/** Event-loop utilization under which a check counts as quiet (a few requests a second stay under it). */
const IDLE_UTILIZATION = 0.02;
/** Committed but unused V8 heap under which a collection is not worth it. */
const SLACK_BYTES = 16 * 1024 * 1024;
/**
 * At most two collections per quiet spell. The first, right after the load,
 * leaves the young generation at its full size: V8 shrinks it only when the
 * allocation rate it measured over its last 5 s (between collections) is low,
 * and that window still holds the load. The second, three quiet checks (6 s)
 * later, sees only the quiet spell and gives it back (4 s later was too soon:
 * the window reached back into the load, and nothing shrank). Then none until
 * the thread works again.
 */
const COLLECTIONS_PER_BURST = 2;
/** Quiet checks before the second collection: more than V8's 5 s allocation-rate window. */
const IDLE_CHECKS_AFTER_COLLECTION = 3;

/**
 * Gives back the memory a burst of work left behind, once the thread is idle.
 *
 * Under sustained load V8 grows the young generation to its limit (the API
 * runs with `--max-semi-space-size=64`: two 64 MB semi-spaces per isolate, and
 * the flag is process-wide, so the worker thread of `npm start` has its own
 * pair) and grows the old generation between collections. When the load stops
 * nothing allocates any more, so no collection runs and all of it stays
 * resident: bench:ingest found the all-in-one API at ~570 MB 30 s after 20,000
 * single POSTs, of which ~450 MB was committed V8 heap holding ~175 MB of live
 * objects (issue 13: under 400 MB 30 s after the load). A full collection
 * after the load shrinks the young generation back to its start size and
 * releases the old generation's free pages.
 *
 * So, on the calling thread (each isolate has its own heap): every 2 s, once
 * its event loop has been nearly idle for two checks in a row after working
 * (start-up counts), and 16 MB or more of its committed heap is unused, a full
 * collection; a second one 6 s later, and no more in that quiet spell. It runs only when the thread has
 * nothing to do (it takes 50–250 ms on a busy 2-core machine). The timer never
 * keeps the process alive.
 *
 * `gc` is exposed at run time when the process was not started with
 * `--expose-gc`: a context created after the flag is set gets it, the
 * application's own global does not. Returns a function that stops the checks.
 */
export function releaseMemoryWhenIdle(name: string): () => void {
  const gc = collector();
  const logger = new Logger('IdleMemory');
  if (!gc) {
    logger.warn(`${name}: no way to run a full collection; the heap a burst of work grows stays until V8 collects on its own`);
    return () => undefined;
  }
  // Collections run since the thread last worked (start-up counts as work: it grows the young generation too).
  let collections = 0;
  let quiet = 0;
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization >= IDLE_UTILIZATION;
    last = now;
    if (busy) {
      quiet = 0;
      collections = 0;
      return;
    }
    if (++quiet < (collections === 0 ? IDLE_CHECKS : IDLE_CHECKS_AFTER_COLLECTION) || collections >= COLLECTIONS_PER_BURST) return;
    const before = getHeapStatistics();
    if (before.total_heap_size - before.used_heap_size < SLACK_BYTES) return;
    gc();
    collections++;
    quiet = 0;
    // The collection's own time is not work: it must not count as a burst that calls for another.
    last = performance.eventLoopUtilization();
    const after = getHeapStatistics();
    logger.debug(`${name}: idle, full collection: V8 heap ${mb(before.total_heap_size)} → ${mb(after.total_heap_size)} MB committed, ${mb(after.used_heap_size)} MB used`);
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

/** V8's full collection: `gc` when exposed with --expose-gc, else exposed now (see above); null if neither works. */
function collector(): (() => void) | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
