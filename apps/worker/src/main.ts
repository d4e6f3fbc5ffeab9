import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnStartupError, loadConfig, useJsonLogs } from '@pl/config';
import { assertRedisReachable } from '@pl/jobs';
import { assertDatabaseReachable } from '@pl/persistence';
import { WORKER_QUEUES, WorkerRuntimeModule } from '@pl/worker-runtime';

/** `node dist/apps/worker/src/main.js` — serves the ingestion and reports queues (WORKER_QUEUES), no HTTP; SIGTERM drains them. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await assertRedisReachable(config.redis.url);
  await assertDatabaseReachable(config.database);
  const app = await NestFactory.createApplicationContext(WorkerRuntimeModule.forRoot(config, { queues: WORKER_QUEUES }), { bufferLogs: true });
  useJsonLogs(app);
  // On SIGTERM the workers drain (see JobWorkers in @pl/jobs), then the process exits 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  new Logger('Main').log(`worker ready (${config.database.type}, queue prefix "${config.redis.prefix}")`);
}

main().catch(exitOnStartupError);
