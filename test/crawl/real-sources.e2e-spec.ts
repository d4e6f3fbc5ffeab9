import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadConfig } from '@pl/config';
import { CRAWL_QUEUE, sourceSchedulerId } from '@pl/crawling';
import { workerConnection } from '@pl/jobs';
import { CrawlSource, openDatabase } from '@pl/persistence';
import { createTestDatabase, deleteRedisKeys, testEnv, TestDatabase } from '../support/harness';
import { Children } from '../support/processes';

/**
 * Real sites only by opt-in: a seeded install has the catalog's sources (real
 * outlets) disabled, and a starting crawler puts no schedule in Redis for
 * them — only for sources an operator enabled. `crawl sources enable <id>`
 * and `disable <id>` switch one on and off, its schedule following.
 */
describe('the catalog’s real outlets are crawled only once enabled', () => {
  const children = new Children();
  let db: TestDatabase;
  let env: Record<string, string>;
  let ds: DataSource;
  let queue: Queue;
  let connection: ReturnType<typeof workerConnection>;

  const cli = async (...args: string[]) => {
    const child = children.app('cli', args, env);
    const exit = await child.waitForExit(60_000);
    expect({ exit, stderr: child.stderr }).toEqual({ exit: { code: 0, signal: null }, stderr: '' });
    return child.stdout;
  };
  const schedulerIds = async () => (await queue.getJobSchedulers()).map((s) => s.key).sort();

  beforeAll(async () => {
    db = await createTestDatabase();
    // Schedules on, as `npm start` has them.
    env = testEnv(db, { CRAWLER_SYNC_SCHEDULES: 'true', LOG_LEVEL: 'log' });
    ds = await openDatabase(loadConfig(env).database);
    connection = workerConnection(env.REDIS_URL);
    queue = new Queue(CRAWL_QUEUE, { connection, prefix: env.QUEUE_PREFIX });
  });
  afterAll(async () => {
    await children.killAll();
    await queue.close();
    connection.disconnect();
    await ds.destroy();
    await deleteRedisKeys(env.QUEUE_PREFIX);
    await db.drop();
  });

  it('seeds them disabled; a starting crawler schedules only what an operator enabled', async () => {
    await cli('seed');
    const seeded = await ds.getRepository(CrawlSource).find({ order: { id: 'ASC' } });
    expect(seeded.length).toBeGreaterThanOrEqual(3);
    expect(seeded.filter((s) => s.enabled)).toEqual([]);
    expect(seeded.filter((s) => s.schedule).length).toBe(seeded.length); // they have schedules, which stay unused
    const listed = await cli('crawl', 'sources', 'list');
    for (const s of seeded) expect(listed).toMatch(new RegExp(`^\\s*${s.id}\\s.*已停用`, 'm'));

    // An operator's own source, enabled, with a schedule far away (and a loopback URL the SSRF guard refuses anyway).
    const own = await ds.getRepository(CrawlSource).save(
      ds.getRepository(CrawlSource).create({
        channelId: seeded[0].channelId,
        type: 'feed',
        url: 'http://127.0.0.1:9/feed.xml',
        selectors: null,
        schedule: '0 0 1 1 *',
        enabled: true,
      }),
    );

    const crawler = children.app('crawler', [], env);
    await crawler.waitForOutput(/1 crawl source schedule\(s\) in place/);
    expect(await schedulerIds()).toEqual([sourceSchedulerId(own.id)]);
    await crawler.kill('SIGTERM');
  });

  it('crawl sources enable <id> schedules a source, disable <id> removes its schedule', async () => {
    const paper = (await ds.getRepository(CrawlSource).find({ order: { id: 'ASC' } }))[0];
    const enabled = await cli('crawl', 'sources', 'enable', String(paper.id));
    expect(enabled).toContain(`已启用抓取源 ${paper.id}`);
    expect(enabled).toContain(`按计划 ${paper.schedule}`);
    expect((await ds.getRepository(CrawlSource).findOneByOrFail({ id: paper.id })).enabled).toBe(true);
    expect(await schedulerIds()).toContain(sourceSchedulerId(paper.id));

    const disabled = await cli('crawl', 'sources', 'disable', String(paper.id));
    expect(disabled).toContain(`已停用抓取源 ${paper.id}`);
    expect((await ds.getRepository(CrawlSource).findOneByOrFail({ id: paper.id })).enabled).toBe(false);
    expect(await schedulerIds()).not.toContain(sourceSchedulerId(paper.id));
  });

  it('refuses an unknown source id or a missing one with exit 2', async () => {
    for (const args of [['crawl', 'sources', 'enable', '99999'], ['crawl', 'sources', 'enable'], ['crawl', 'sources', 'start', '1']]) {
      const child = children.app('cli', args, env);
      expect(await child.waitForExit(60_000)).toEqual({ code: 2, signal: null });
      expect(child.stderr).toMatch(/找不到抓取源 99999|source id|list, enable or disable/);
    }
  });
});
