import { createConcurrencyRecorder, FixtureServer, startFixtureServer } from '../fixtures/crawl/server';
import { countOf, startApi, TestApi } from '../support/harness';
import { Children, until } from '../support/processes';

/**
 * Two crawler processes (from dist/) confirming the same organization at the
 * same moment, on PostgreSQL (`npm run test:pg` only, see jest.config.js): the
 * fixture servers count the requests in flight per host, and each
 * confirmation is written once.
 */
describe('scale-out on PostgreSQL: two crawlers confirming one organization at the same moment', () => {
  const PAGES = 60;
  const MARK = '大祥区两台爬虫同时确认';
  const children = new Children();
  const recorder = createConcurrencyRecorder();
  const servers: FixtureServer[] = [];
  let api: TestApi;

  beforeAll(async () => {
    // Two hosts (two loopback addresses), each answering after 30 ms, so that overlapping requests would show.
    for (const listenHost of ['127.0.0.1', '127.0.0.2']) {
      servers.push(await startFixtureServer({ listenHost, latencyMs: 30, concurrency: recorder }));
    }
    api = await startApi({ withWorker: false });
  });
  afterAll(async () => {
    await children.killAll();
    await api?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  const count = (sql: string) => countOf(api.dataSource, sql);

  it('keep one request at a time per host and write each confirmation once', async () => {
    const title = (i: number) => `${MARK}第${i}篇`;
    const placements = Array.from({ length: PAGES }, (_, i) => {
      const server = servers[i % servers.length];
      server.addFile(`/scale/${i}.html`, {
        body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title(i)}_邵阳新闻网</title><meta property="og:title" content="${title(i)}"></head><body><h1>${title(i)}</h1><p>正文。</p></body></html>`,
      });
      return { channel: '邵阳新闻网', title: title(i), publishedOn: '2022-03-01', url: `${server.url}/scale/${i}.html` };
    });

    const env = { ...api.env, LOG_LEVEL: 'log', CRAWLER_ALLOW_HOSTS: servers.map((s) => s.host).join(','), CRAWLER_HOST_DELAY_MS: '0' };
    const worker = children.app('worker', [], env);
    const crawlers = [children.app('crawler', [], env), children.app('crawler', [], env)];
    await Promise.all([worker.waitForOutput(/serving queue \\?"ingestion/, 120_000), ...crawlers.map((c) => c.waitForOutput(/crawler ready/, 120_000))]);

    const logged = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements }).expect(202);
    await until(async () => (await api.http().get(`/api/ingestions/${logged.body.ingestionId}`)).body.state, (s) => s === 'completed', 120_000, 'logged');

    const runs = await Promise.all([
      api.http().post('/api/orgs/daxiang/crawl/confirm').send({}).expect(202),
      api.http().post('/api/orgs/daxiang/crawl/confirm').send({}).expect(202),
    ]);
    const ended = [];
    for (const r of runs) {
      ended.push(
        await until(
          async () => (await api.http().get(`/api/crawl/runs/${r.body.runId}`)).body,
          (b) => b.state === 'completed' || b.state === 'failed',
          300_000,
          'crawl run ended',
        ),
      );
    }
    expect(ended.map((r) => r.state)).toEqual(['completed', 'completed']);
    const confirmed = await until(
      () => count(`SELECT COUNT(*) AS n FROM placements WHERE title LIKE '${MARK}%' AND status = 'confirmed'`),
      (n) => n === PAGES,
      120_000,
      'all confirmed',
    );
    const events = await count(
      `SELECT COUNT(*) AS n FROM placement_events e JOIN placements p ON p.id = e.placement_id WHERE p.title LIKE '${MARK}%' AND e.type = 'confirmed'`,
    );
    const maxPerHost = Math.max(...recorder.maxPerHost.values());
    expect(confirmed).toBe(PAGES);
    expect(events).toBe(PAGES);
    expect(maxPerHost).toBe(1);
    expect(crawlers.every((c) => c.running)).toBe(true);
    console.log(
      `scale-out crawl (2 crawler processes, 2 runs at once, ${servers.length} hosts): ${confirmed} confirmed, ${events} confirmation events (target ${PAGES}), ` +
        `max concurrent requests per host ${maxPerHost} (target 1), hosts at once ${recorder.maxHostsAtOnce}, runs confirmed ${ended.map((r) => r.confirmed).join(' + ')}`,
    );
  }, 600_000);
});
