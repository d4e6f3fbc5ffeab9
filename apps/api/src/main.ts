import { Logger } from '@nestjs/common';
import { exitOnStartupError, loadConfig } from '../../../libs/config/src';
import { assertRedisReachable } from '../../../libs/queue/src';
import { createApiApp } from './create-api-app';


/** `node dist/apps/api/src/main.js [--with-worker]` — the HTTP API (and the worker, for one machine). */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const withWorker = process.argv.includes('--with-worker');
  await assertRedisReachable(config.redis.url);
  const app = await createApiApp(config, { withWorker });
  // On SIGTERM the workers in this process drain, then it exits 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(config.port, '0.0.0.0');
  new Logger('Main').log(
    `Placement Ledger API on http://127.0.0.1:${config.port} (docs at /docs; ${config.database.type}${withWorker ? '; worker in process' : ''})`,
  );
}

main().catch(exitOnStartupError);
