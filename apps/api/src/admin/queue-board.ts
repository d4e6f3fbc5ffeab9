import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type { AppConfig } from '@pl/config';
import { CRAWL_QUEUE } from '@pl/crawling';
import { producerConnection } from '@pl/jobs';
import { INGESTION_QUEUE } from '@pl/placements';
import { REPORTS_QUEUE } from '@pl/reporting';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * The BullMQ dashboard (bull-board) at /admin/queues: the ingestion, reports
 * and crawl queues under this deployment's prefix, with their waiting,
 * active, failed and completed jobs (retry, clean). Its queues share one
 * connection that fails fast when Redis is down, closed with the app.
 * Registered on Fastify directly: the sign-in guard covers it with an
 * onRequest hook (administrators only).
 */
export async function mountQueueBoard(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const connection = producerConnection(config.redis.url);
  connection.on('error', () => undefined);
  const queues = [INGESTION_QUEUE, REPORTS_QUEUE, CRAWL_QUEUE].map((name) => new Queue(name, { connection, prefix: config.redis.prefix }));
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: '上稿台账 · 任务队列', locale: { lng: 'zh-CN' } } },
  });
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  fastify.addHook('onClose', async () => {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  });
}
