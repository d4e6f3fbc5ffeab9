import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../libs/config/src';
import { createDataSource } from '../../libs/persistence/src';
import { absoluteNow, processedCount } from './support';

/**
 * Watches an organization's committed placements from its own process (fork),
 * so that polling the database costs the API's event loop nothing (with
 * better-sqlite3 a query blocks the process that runs it). Protocol over IPC:
 *   parent → {type:'watch', database, orgId, target, intervalMs}
 *   child  → {type:'progress', n, at} now and then, and {type:'reached', n, at}
 * `at` is an absolute time in ms (performance.timeOrigin + performance.now()),
 * comparable with the parent's.
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
  message?: string;
}

async function watch(req: WatchRequest): Promise<void> {
  const ds: DataSource = createDataSource(req.database);
  await ds.initialize();
  let last = -1;
  let lastReport = 0;
  for (;;) {
    const n = await processedCount(ds, req.orgId);
    const at = absoluteNow();
    if (n >= req.target) {
      process.send?.({ type: 'reached', n, at } satisfies PollerMessage);
      break;
    }
    if (n !== last || at - lastReport > 1000) {
      last = n;
      lastReport = at;
      process.send?.({ type: 'progress', n, at } satisfies PollerMessage);
    }
    await new Promise((r) => setTimeout(r, req.intervalMs));
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
