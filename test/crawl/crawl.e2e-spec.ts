import { Queue } from 'bullmq';
import { CRAWL_QUEUE, compareTitles, sourceSchedulerId } from '@pl/crawling';
import { workerConnection } from '@pl/jobs';
import { FixtureServer, startFixtureServer } from '../fixtures/crawl/server';
import { startApi, TestApi, waitForIngestion } from '../support/harness';

/**
 * The crawler against a loopback server that serves a corpus shaped like
 * real outlets (test/fixtures/crawl/corpus): it confirms logged placements
 * with evidence, flags gone links, discovers unlogged placements, and a
 * second crawl of the same source changes nothing.
 */
describe('crawler', () => {
  let server: FixtureServer;
  let api: TestApi;
  let channelId: number;

  const run = async (runId: string) => {
    for (let i = 0; i < 300; i++) {
      const r = await api.http().get(`/api/crawl/runs/${runId}`).expect(200);
      if (r.body.state === 'completed' || r.body.state === 'failed') return r.body;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`crawl run ${runId} did not finish`);
  };
  const placement = async (id: number) => (await api.http().get(`/api/orgs/daxiang/placements/${id}`).expect(200)).body;
  /** Waits until the ingestion queue has applied what the crawler asked for. */
  const eventually = async <T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const v = await read();
      if (done(v)) return v;
      await new Promise((res) => setTimeout(res, 50));
    }
    return read();
  };
  const log = async (p: Record<string, unknown>) => {
    const res = await api.http().post('/api/orgs/daxiang/placements').send(p).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    const list = await api.http().get(`/api/orgs/daxiang/placements?q=${encodeURIComponent(String(p.title))}`).expect(200);
    return list.body.items[0].id as number;
  };

  beforeAll(async () => {
    server = await startFixtureServer();
    api = await startApi({ env: { CRAWLER_ALLOW_HOSTS: server.host, CRAWLER_HOST_DELAY_MS: '0', CRAWLER_RETRIES: '1' } });
    const channels = (await api.http().get('/api/channels?tier=municipal').expect(200)).body as { id: number; name: string }[];
    channelId = channels.find((c) => c.name === '邵阳新闻网')!.id;
  });
  afterAll(async () => {
    await api.close();
    await server.close();
  });

  it('confirms a placement by its link, with evidence, and flags a gone link without rejecting it', async () => {
    const ok = await log({
      channel: '邵阳新闻网',
      title: '大祥区：“一件事一次办”跑出加速度！',
      publishedOn: '2021-12-15',
      url: `${server.url}/news/2021/12/15/article_1002.html`,
    });
    const gone = await log({ channel: '邵阳新闻网', title: '大祥区召开安全生产工作会议', publishedOn: '2021-12-14', url: `${server.url}/status/404` });
    const other = await log({
      channel: '邵阳新闻网',
      title: '大祥区全力推进城市更新行动',
      publishedOn: '2021-12-15',
      url: `${server.url}/news/2021/12/15/article_1006.html`,
    });

    const started = await api.http().post('/api/orgs/daxiang/crawl/confirm').send({ placementIds: [ok, gone, other] }).expect(202);
    const result = await run(started.body.runId);
    expect(result).toMatchObject({ state: 'completed', pages: 3, confirmed: 1, linkGone: 1, discovered: 0 });
    expect(result.errors).toEqual([expect.objectContaining({ placementId: other, message: expect.stringContaining('does not match') })]);

    const confirmed = await eventually(() => placement(ok), (p) => p.status === 'confirmed');
    expect(confirmed.status).toBe('confirmed');
    const evidence = confirmed.events.find((e: { type: string }) => e.type === 'confirmed').data.evidence;
    expect(evidence).toMatchObject({
      url: `${server.url}/news/2021/12/15/article_1002.html`,
      status: 200,
      matchedTitle: expect.stringContaining('一件事一次办'),
    });
    expect(evidence.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The recorded similarity is the matcher's score for the pair it judged the same story (a rank, not a floor).
    const verdict = compareTitles('大祥区：“一件事一次办”跑出加速度！', evidence.matchedTitle);
    expect(verdict.same).toBe(true);
    expect(evidence.similarity).toBeCloseTo(verdict.score, 3);
    expect(Date.parse(evidence.fetchedAt)).not.toBeNaN();

    const flagged = await eventually(() => placement(gone), (p) => p.linkGoneAt !== null);
    expect(flagged.status).toBe('claimed');
    expect(flagged.linkGoneAt).not.toBeNull();
    expect(flagged.events.map((e: { type: string }) => e.type)).toEqual(['logged', 'link-gone']);
    expect((await placement(other)).status).toBe('claimed');
  });

  it('confirms an e-paper article whose <title> is only the name of the paper (GBK page)', async () => {
    const id = await log({
      channel: '邵阳日报',
      title: '大祥区王祎：扎根社区的“贴心人”',
      publishedOn: '2021-12-15',
      url: `${server.url}/epaper/shaoyang/2021-12/15/content_1128.html`,
    });
    const r = await run((await api.http().post('/api/orgs/daxiang/crawl/confirm').send({ placementIds: [id] }).expect(202)).body.runId);
    expect(r).toMatchObject({ state: 'completed', confirmed: 1, errors: [] });
    const p = await eventually(() => placement(id), (x) => x.status === 'confirmed');
    expect(p.events.find((e: { type: string }) => e.type === 'confirmed').data.evidence.matchedTitle).toBe('大祥区王祎：扎根社区的“贴心人”');
  });

  it('confirms link-less placements and discovers unlogged ones from a list page; a second crawl changes nothing', async () => {
    const linkless = await log({ channel: '邵阳新闻网', title: '大祥区打造15分钟便民生活圈', publishedOn: '2021-12-14' });
    const source = await api
      .http()
      .post(`/api/channels/${channelId}/sources`)
      .send({ type: 'list', url: `${server.url}/news/list.html`, selectors: { item: 'ul.news-list li', title: 'a', link: 'a', date: 'span.date' } })
      .expect(201);
    expect(source.body).toMatchObject({ channelId, type: 'list', schedule: null });
    const sources = (await api.http().get(`/api/channels/${channelId}/sources`).expect(200)).body as { id: number }[];
    expect(sources.map((x) => x.id)).toContain(source.body.id); // beside the catalog's seeded source

    const first = await run((await api.http().post(`/api/crawl/sources/${source.body.id}/run`).send({ date: '2021-12-15' }).expect(202)).body.runId);
    expect(first).toMatchObject({ state: 'completed', pages: 1, confirmed: 1 });
    expect(first.items).toBeGreaterThanOrEqual(15);
    expect(first.discovered).toBeGreaterThan(0);
    expect((await eventually(() => placement(linkless), (p) => p.status === 'confirmed')).status).toBe('confirmed');

    // The review queue: discovered placements from the crawler, all mentioning 大祥, none from other districts.
    const queue = await eventually(
      async () => (await api.http().get('/api/orgs/daxiang/placements?status=discovered&pageSize=100').expect(200)).body,
      (b) => b.total === first.discovered,
    );
    expect(queue.total).toBe(first.discovered);
    for (const p of queue.items) {
      expect(p).toMatchObject({ source: 'crawler', status: 'discovered', channel: { id: channelId } });
      expect(p.title).toContain('大祥');
    }
    const titles = queue.items.map((p: { title: string }) => p.title);
    expect(titles).not.toContain('双清区开展“清洁家园”志愿服务活动');
    expect(titles).not.toContain('大祥区打造15分钟便民生活圈'); // logged already, now confirmed
    // An editor dismisses one and confirms another.
    const [dismiss, keep] = queue.items;
    await api.http().patch(`/api/orgs/daxiang/placements/${dismiss.id}`).send({ status: 'dismissed', reason: '非本中心稿件' }).expect(202);
    await api.http().patch(`/api/orgs/daxiang/placements/${keep.id}`).send({ status: 'confirmed' }).expect(202);
    await eventually(() => placement(dismiss.id), (p) => p.status === 'dismissed');
    await eventually(() => placement(keep.id), (p) => p.status === 'confirmed');

    const before = (await api.http().get('/api/orgs/daxiang/placements?pageSize=1').expect(200)).body.total;
    const second = await run((await api.http().post(`/api/crawl/sources/${source.body.id}/run`).send({ date: '2021-12-15' }).expect(202)).body.runId);
    expect(second).toMatchObject({ state: 'completed', confirmed: 0, discovered: 0 });
    expect((await api.http().get('/api/orgs/daxiang/placements?pageSize=1').expect(200)).body.total).toBe(before);
    expect((await placement(dismiss.id)).status).toBe('dismissed'); // never discovered again
  });

  it('reads an e-paper edition by date (GBK pages) and a feed', async () => {
    const channels = (await api.http().get('/api/channels').expect(200)).body as { id: number; name: string }[];
    const paper = channels.find((c) => c.name === '邵阳日报')!.id;
    const epaper = await api
      .http()
      .post(`/api/channels/${paper}/sources`)
      .send({ type: 'epaper', url: `${server.url}/epaper/shaoyang/{yyyy}-{MM}/{dd}/node_{page}.html`, selectors: { item: '#titleList li', link: 'a', pages: [1, 2] } })
      .expect(201);
    const r = await run((await api.http().post(`/api/crawl/sources/${epaper.body.id}/run`).send({ date: '2021-12-15' }).expect(202)).body.runId);
    expect(r).toMatchObject({ state: 'completed', pages: 2 });
    expect(r.items).toBeGreaterThan(0);
    const found = await eventually(
      async () => (await api.http().get(`/api/orgs/daxiang/placements?status=discovered&channel=${paper}&pageSize=100`).expect(200)).body,
      (b) => b.total === r.discovered,
    );
    expect(found.total).toBe(r.discovered);
    for (const p of found.items) {
      expect(p.publishedOn).toBe('2021-12-15');
      expect(p.title).toMatch(/大祥/); // decoded from GBK, not mojibake
    }

    const red = channels.find((c) => c.name === '红网大祥站')!.id;
    const feed = await api.http().post(`/api/channels/${red}/sources`).send({ type: 'feed', url: `${server.url}/feeds/rednet.xml` }).expect(201);
    const f = await run((await api.http().post(`/api/crawl/sources/${feed.body.id}/run`).send({}).expect(202)).body.runId);
    expect(f).toMatchObject({ state: 'completed', pages: 1 });
    expect(f.items).toBeGreaterThan(0);
  });

  it('refuses pages behind the SSRF guard and robots.txt, recording why', async () => {
    for (const [path, reason] of [
      ['/to-metadata', 'forbidden-address'],
      ['/private/list.html', 'robots'],
    ]) {
      const s = await api.http().post(`/api/channels/${channelId}/sources`).send({ type: 'list', url: `${server.url}${path}` }).expect(201);
      const r = await run((await api.http().post(`/api/crawl/sources/${s.body.id}/run`).send({}).expect(202)).body.runId);
      expect(r).toMatchObject({ state: 'completed', discovered: 0, confirmed: 0 });
      expect(r.errors[0].message).toContain(reason);
    }
    expect(server.hits.count('/private/list.html')).toBe(0);
  });

  it('schedules a source with cron in Asia/Shanghai, and refuses bad sources naming the field', async () => {
    const s = await api
      .http()
      .post(`/api/channels/${channelId}/sources`)
      .send({ type: 'feed', url: `${server.url}/feeds/atom.xml`, schedule: '0 8 * * *' })
      .expect(201);
    const connection = workerConnection(api.config.redis.url);
    const queue = new Queue(CRAWL_QUEUE, { connection, prefix: api.config.redis.prefix });
    try {
      const scheduler = await queue.getJobScheduler(sourceSchedulerId(s.body.id));
      expect(scheduler).toMatchObject({ pattern: '0 8 * * *', tz: 'Asia/Shanghai' });
      expect(scheduler!.next).toBeGreaterThan(Date.now());
    } finally {
      await queue.close();
      connection.disconnect();
    }

    const bad: [object, string][] = [
      [{ type: 'sitemap', url: `${server.url}/x` }, 'type'],
      [{ type: 'list', url: 'ftp://example.org/' }, 'url'],
      [{ type: 'list', url: `${server.url}/x`, schedule: 'every day' }, 'schedule'],
      [{ type: 'epaper', url: `${server.url}/epaper/node_1.html` }, 'url'],
      [{ type: 'list', url: `${server.url}/x`, selectors: { title: 'a' } }, 'selectors.item'],
      [{ type: 'list', url: `${server.url}/x`, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of bad) {
      const res = await api.http().post(`/api/channels/${channelId}/sources`).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api.http().post('/api/channels/99999/sources').send({ type: 'feed', url: `${server.url}/x` }).expect(404)).body.errors[0].field).toBe('id');
    await api.http().post('/api/crawl/sources/99999/run').send({}).expect(404);
    await api.http().get('/api/crawl/runs/not-a-uuid').expect(400);
  });
});

describe('crawl sources are editable', () => {
  let server: FixtureServer;
  let api: TestApi;
  beforeAll(async () => {
    server = await startFixtureServer();
    api = await startApi({ env: { CRAWLER_ALLOW_HOSTS: server.host, CRAWLER_HOST_DELAY_MS: '0' } });
  });
  afterAll(async () => {
    await api.close();
    await server.close();
  });

  it('changes, disables and deletes a source, its schedule following; lists its runs', async () => {
    const channels = (await api.http().get('/api/channels').expect(200)).body as { id: number; name: string }[];
    const channel = channels.find((c) => c.name === '红网大祥站')!.id;
    const s = (await api.http().post(`/api/channels/${channel}/sources`).send({ type: 'feed', url: `${server.url}/feeds/atom.xml`, schedule: '0 8 * * *' }).expect(201)).body;
    const connection = workerConnection(api.config.redis.url);
    const queue = new Queue(CRAWL_QUEUE, { connection, prefix: api.config.redis.prefix });
    try {
      const changed = await api.http().patch(`/api/crawl/sources/${s.id}`).send({ url: `${server.url}/feeds/rednet.xml`, schedule: '30 9 * * 1-5' }).expect(200);
      expect(changed.body).toMatchObject({ id: s.id, url: `${server.url}/feeds/rednet.xml`, schedule: '30 9 * * 1-5', enabled: true });
      expect(await queue.getJobScheduler(sourceSchedulerId(s.id))).toMatchObject({ pattern: '30 9 * * 1-5', tz: 'Asia/Shanghai' });

      await api.http().patch(`/api/crawl/sources/${s.id}`).send({ enabled: false }).expect(200);
      expect(await queue.getJobScheduler(sourceSchedulerId(s.id))).toBeFalsy();
      const bad = await api.http().patch(`/api/crawl/sources/${s.id}`).send({ type: 'list' }).expect(400);
      expect(bad.body.errors[0].field).toBe('type');

      const r = (await api.http().post(`/api/crawl/sources/${s.id}/run`).send({}).expect(202)).body.runId;
      for (let i = 0; i < 100; i++) {
        if ((await api.http().get(`/api/crawl/runs/${r}`).expect(200)).body.state === 'completed') break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const runs = (await api.http().get(`/api/crawl/sources/${s.id}/runs`).expect(200)).body;
      expect(runs.map((x: { id: string }) => x.id)).toContain(r);

      await api.http().delete(`/api/crawl/sources/${s.id}`).expect(204);
      expect((await api.http().get(`/api/channels/${channel}/sources`).expect(200)).body.map((x: { id: number }) => x.id)).not.toContain(s.id);
      await api.http().patch(`/api/crawl/sources/${s.id}`).send({ enabled: true }).expect(404);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('lists the catalog’s real outlets disabled; enable and disable switch one, its schedule following', async () => {
    const all = (await api.http().get('/api/crawl/sources').expect(200)).body as { id: number; channel: string; url: string; enabled: boolean; schedule: string }[];
    const seeded = all.filter((s) => s.url.startsWith('https://')); // the tests' own sources are on loopback
    expect(seeded.map((s) => s.channel).sort()).toEqual(['红网大祥站', '邵阳新闻网', '邵阳日报'].sort());
    expect(seeded.every((s) => !s.enabled && s.schedule)).toBe(true);
    const feed = seeded.find((s) => s.channel === '红网大祥站')!;
    const connection = workerConnection(api.config.redis.url);
    const queue = new Queue(CRAWL_QUEUE, { connection, prefix: api.config.redis.prefix });
    try {
      // No body, as an optional body may be.
      expect((await api.http().post(`/api/crawl/sources/${feed.id}/enable`).expect(200)).body).toMatchObject({ id: feed.id, enabled: true });
      expect(await queue.getJobScheduler(sourceSchedulerId(feed.id))).toMatchObject({ pattern: feed.schedule, tz: 'Asia/Shanghai' });
      expect((await api.http().post(`/api/crawl/sources/${feed.id}/disable`).send({}).expect(200)).body).toMatchObject({ id: feed.id, enabled: false });
      expect(await queue.getJobScheduler(sourceSchedulerId(feed.id))).toBeFalsy();
      await api.http().post('/api/crawl/sources/99999/enable').expect(404);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
