import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnStartupError, loadConfig } from '../../../libs/config/src';
import { assertRedisReachable } from '../../../libs/queue/src';
import { CrawlerModule } from './crawler.module';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** `node dist/apps/crawler/src/main.js` — runs crawl jobs; SIGTERM lets running crawls finish. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await assertRedisReachable(config.redis.url);
  const app = await NestFactory.createApplicationContext(CrawlerModule.forRoot(config), {
    logger: LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
  // On SIGTERM running crawls finish their current page, then the process exits 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  new Logger('Main').log(`crawler ready (${config.database.type}, queue prefix "${config.redis.prefix}")`);
}

main().catch(exitOnStartupError);
