import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '@pl/config';
import { createDataSource } from '@pl/persistence';
import { absoluteNow, processedCount } from './support';

/**
 * Watches an organization's committed placements from its own process (fork),
 * so that polling the database costs the API's event loop nothing (with
 * better-sqlite3 a query blocks the process that runs it). Protocol over IPC:
 *   parent → {type:'watch', database, orgId, target, intervalMs}
 *   child  → {type:'progress', n, at} now and then, and {type:'reached', n, at}
 * `at` is an absolute time in ms (performance.timeOrigin + performance.now()),
 * comparable with the parent's. Each poll reads every ingestion row of the
 * organization, so it polls every `intervalMs` only near the target and less
 * often while far from it (at most 250 ms, at half the time the current rate
 * needs to get there): the watching takes little of the CPU it measures.
 */
export interface WatchRequest {
  type: 'watch';
  database: DatabaseConfig;
  orgId: number;
  target: number;
  intervalMs: number;
}

export interface PollerMessage {
  type: 'progress' | 'reached' | 'failed';
  n?: number;
  at?: number;
  /** CPU time (user + system) this process has spent so far, µs: the poller's own cost. */
  cpuUs?: number;
  message?: string;
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function watch(req: WatchRequest): Promise<void> {
  const ds: DataSource = createDataSource(req.database);
  await ds.initialize();
  let last = -1;
  let lastReport = 0;
  let first: { n: number; at: number } | null = null;
  for (;;) {
    const n = await processedCount(ds, req.orgId);
    const at = absoluteNow();
    first ??= { n, at };
    if (n >= req.target) {
      process.send?.({ type: 'reached', n, at, cpuUs: cpuUs() } satisfies PollerMessage);
      break;
    }
    if (n !== last || at - lastReport > 1000) {
      last = n;
      lastReport = at;
      process.send?.({ type: 'progress', n, at, cpuUs: cpuUs() } satisfies PollerMessage);
    }
    const perMs = (n - first.n) / Math.max(1, at - first.at);
    const untilTarget = perMs > 0 ? (req.target - n) / perMs : Infinity;
    await new Promise((r) => setTimeout(r, Math.max(req.intervalMs, Math.min(250, untilTarget / 2))));
  }
  await ds.destroy();
}

process.on('message', (msg: WatchRequest) => {
  if (msg.type !== 'watch') return;
  watch(msg).then(
    () => process.disconnect?.(),
    (err: unknown) => {
      process.send?.({ type: 'failed', message: err instanceof Error ? err.stack : String(err) } satisfies PollerMessage, () =>
        process.exit(1),
      );
    },
  );
});
process.on('disconnect', () => process.exit(0));
