import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { CRAWL_QUEUE, CrawlRuns } from '@pl/crawling';
import { workerConnection } from '@pl/jobs';
import { FixtureServer, startFixtureServer } from '../fixtures/crawl/server';
import { startApi, TestApi, waitForIngestion } from '../support/harness';

/**
 * A confirmation run over claimed placements that have no link: it fetches
 * nothing for them one by one (their channel's sources are read once), and
 * it ends. 20,000 link-less placements of a channel without a crawl source
 * (红网: the catalog gives it none) and 2,000 of a channel with a list
 * source: the run is completed, read the list page once, and says in one
 * line per channel how many it could not check. Before, grouping them by
 * channel copied the channel's list at each placement (quadratic): 90,000 of
 * one channel held the crawler for minutes with the run "running". The
 * run's time is printed, not asserted. And a run whose job fails without its
 * handler (here a payload the schema refuses) is shown failed with the job's
 * reason, not queued forever; a scheduled run too, by the job id it recorded.
 */
describe('confirmation runs end', () => {
  const WITHOUT_SOURCE = Number(process.env.LINKLESS_N ?? 20_000);
  const WITH_SOURCE = 2_000;
  const MARK = '大祥区无链接稿件确认';
  let server: FixtureServer;
  let api: TestApi;

  beforeAll(async () => {
    server = await startFixtureServer();
    api = await startApi({ env: { CRAWLER_ALLOW_HOSTS: server.host, CRAWLER_HOST_DELAY_MS: '0', CRAWLER_RETRIES: '0' } });
  });
  afterAll(async () => {
    await api?.close();
    await server?.close();
  });

  const submit = async (placements: Record<string, unknown>[]) => {
    for (let i = 0; i < placements.length; i += 10_000) {
      const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements: placements.slice(i, i + 10_000) }).expect(202);
      const done = await waitForIngestion(api, res.body.ingestionId, 300_000);
      expect(done.inserted).toBe(Math.min(10_000, placements.length - i));
    }
  };
  const day = (i: number) => new Date(Date.UTC(2021, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);

  it('ends completed, reads each source once, and counts what it could not check', async () => {
    await submit(Array.from({ length: WITHOUT_SOURCE }, (_, i) => ({ channel: '红网', title: `${MARK}第${i}篇`, publishedOn: day(i) })));
    await submit(Array.from({ length: WITH_SOURCE }, (_, i) => ({ channel: '邵阳新闻网', title: `${MARK}（新闻网）第${i}篇`, publishedOn: '2021-12-15' })));
    const channels = (await api.http().get('/api/channels').expect(200)).body as { id: number; name: string }[];
    const red = channels.find((c) => c.name === '红网')!.id;
    const news = channels.find((c) => c.name === '邵阳新闻网')!.id;
    await api
      .http()
      .post(`/api/channels/${news}/sources`)
      .send({ type: 'list', url: `${server.url}/news/list.html`, selectors: { item: 'ul.news-list li', title: 'a', link: 'a', date: 'span.date' } })
      .expect(201);

    const started = Date.now();
    const { runId } = (await api.http().post('/api/orgs/daxiang/crawl/confirm').send({}).expect(202)).body;
    let run: { state: string; pages: number; items: number; confirmed: number; errors: { message: string; placementId?: number }[] };
    for (;;) {
      run = (await api.http().get(`/api/crawl/runs/${runId}`).expect(200)).body;
      if (run.state === 'completed' || run.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsed = Date.now() - started;
    console.log(
      `confirmation run over ${WITHOUT_SOURCE + WITH_SOURCE} link-less claimed placements ` +
        `(${WITHOUT_SOURCE} in a channel without a source, ${WITH_SOURCE} in one with a list source): ${run.state} in ${elapsed} ms, ` +
        `${run.pages} page(s) fetched, ${run.items} items read`,
    );

    expect(run.state).toBe('completed');
    // The list page, once: nothing is fetched per placement.
    expect(run.pages).toBe(1);
    expect(run.items).toBeGreaterThan(0);
    expect(run.confirmed).toBe(0); // none of these stories is on the list
    const unchecked = run.errors.filter((e) => /without a link not checked/.test(e.message));
    expect(unchecked).toEqual([expect.objectContaining({ message: expect.stringContaining(`${WITHOUT_SOURCE} placement(s) without a link not checked: channel ${red} has no enabled crawl source`) })]);
    expect(run.errors.length).toBeLessThan(10);
  }, 600_000);

  it('ends a run whose job can never succeed, failed with the reason, instead of leaving it queued', async () => {
    // A job its schema refuses fails at once without its handler: nothing of the run's own code ends the run.
    const org = (await api.dataSource.query(`SELECT id FROM organizations WHERE slug = 'daxiang'`))[0].id as number;
    const run = await api.app.get(CrawlRuns).create('confirm', { organizationId: Number(org) });
    const connection = workerConnection(api.config.redis.url);
    const queue = new Queue(CRAWL_QUEUE, { connection, prefix: api.config.redis.prefix });
    try {
      await queue.add('crawl.confirm', { runId: run.id, organizationId: -1 }, { jobId: run.id, attempts: 2 });
      let view: { state: string; errors: { message: string }[] };
      for (let i = 0; ; i++) {
        view = (await api.http().get(`/api/crawl/runs/${run.id}`).expect(200)).body;
        if (view.state !== 'queued' && view.state !== 'running') break;
        if (i > 300) throw new Error(`run still ${view.state} after 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(view.state).toBe('failed');
      expect(view.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^the crawl job failed: invalid payload: organizationId/) })]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it("ends a scheduled source run whose job failed for good, in the source's run list and by its id", async () => {
    // A scheduled run's id is derived from its job's (the scheduler's), so the run records the job's id: a run left
    // 'running' by a job BullMQ failed (stalled past its limit; here, as above, a payload the schema refuses) is found.
    const channels = (await api.http().get('/api/channels').expect(200)).body as { id: number; name: string }[];
    const channel = channels.find((c) => c.name === '红网大祥站')!.id;
    const source = (await api.http().post(`/api/channels/${channel}/sources`).send({ type: 'feed', url: `${server.url}/scheduled/feed.xml` }).expect(201)).body as { id: number };
    const jobId = `scheduled-${Date.now()}`;
    const runs = api.app.get(CrawlRuns);
    const run = await runs.create('source', { sourceId: source.id }, randomUUID(), jobId);
    await runs.start(run.id);
    const connection = workerConnection(api.config.redis.url);
    const queue = new Queue(CRAWL_QUEUE, { connection, prefix: api.config.redis.prefix });
    try {
      await queue.add('crawl.source', { sourceId: -1 }, { jobId, attempts: 1 });
      let listed: { id: string; state: string; errors: { message: string }[] } | undefined;
      for (let i = 0; ; i++) {
        listed = ((await api.http().get(`/api/crawl/sources/${source.id}/runs`).expect(200)).body as NonNullable<typeof listed>[]).find((r) => r.id === run.id);
        if (listed?.state !== 'running') break;
        if (i > 300) throw new Error('scheduled run still running after 30 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(listed).toMatchObject({ state: 'failed', errors: [{ message: expect.stringMatching(/^the crawl job failed: invalid payload: sourceId/) }] });
      expect((await api.http().get(`/api/crawl/runs/${run.id}`).expect(200)).body).toMatchObject({ state: 'failed', finishedAt: expect.any(String) });
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
