import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { exitOnStartupError, loadConfig, releaseMemoryWhenIdle } from '@pl/config';
import { assertRedisReachable } from '@pl/jobs';
import { assertDatabaseReachable } from '@pl/persistence';
import { createApiApp } from './create-api-app';
import { WorkerThread } from './worker-thread';


/**
 * `node dist/apps/api/src/main.js [--with-worker]` — the HTTP API; with
 * --with-worker (`npm start`, one machine) also the crawler, and the
 * ingestion and report workers on a worker thread.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const withWorker = process.argv.includes('--with-worker');
  await assertRedisReachable(config.redis.url);
  await assertDatabaseReachable(config.database);
  const app = await createApiApp(config, { withWorker, workersOnThread: withWorker });
  const logger = new Logger('Main');
  // What a burst of requests grew, given back once the API is idle (the worker thread does the same for its heap).
  releaseMemoryWhenIdle('API');
  if (withWorker) {
    // Started once the API has migrated the database. Without its workers the process must not go on.
    const thread = await WorkerThread.start(config, (code) => {
      logger.error(`the worker thread stopped (exit code ${code}); stopping`);
      process.exit(1);
    });
    // On SIGTERM: stop serving, let the workers commit the jobs they hold, exit 0.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.log(`${signal}: closing the API, then draining the worker thread`);
        void app
          .close()
          .then(() => thread.drain())
          .then(
            () => process.exit(0),
            (err: unknown) => {
              logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
              process.exit(1);
            },
          );
      });
    }
  } else {
    // On SIGTERM the API closes, then the process exits 0.
    app.enableShutdownHooks([], { useProcessExit: true });
  }
  await app.listen(config.port, config.host);
  // Where it really listens (the address the socket is bound to), not where we hope it does.
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  logger.log(
    `Placement Ledger API on http://${host}:${address.port} (docs at /docs; ${config.database.type}${withWorker ? '; workers in process' : ''})`,
  );
}

main().catch(exitOnStartupError);
