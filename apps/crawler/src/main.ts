import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnStartupError, loadConfig, useJsonLogs } from '@pl/config';
import { assertRedisReachable } from '@pl/jobs';
import { assertDatabaseReachable } from '@pl/persistence';
import { WorkerRuntimeModule } from '@pl/worker-runtime';

/** `node dist/apps/crawler/src/main.js` — serves the crawl queue and puts its schedules in place, no HTTP; SIGTERM lets running crawls finish. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await assertRedisReachable(config.redis.url);
  await assertDatabaseReachable(config.database);
  const app = await NestFactory.createApplicationContext(WorkerRuntimeModule.forRoot(config, { queues: ['crawl'] }), { bufferLogs: true });
  useJsonLogs(app);
  // On SIGTERM running crawls finish their current page, then the process exits 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  new Logger('Main').log(`crawler ready (${config.database.type}, queue prefix "${config.redis.prefix}")`);
}

main().catch(exitOnStartupError);
