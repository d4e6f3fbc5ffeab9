import { createHash, randomUUID } from 'node:crypto';
import {
  ConcurrencyRecorder,
  FixtureServer,
  createConcurrencyRecorder,
  startFixtureServer,
} from '../fixtures/crawl/server';
import { IngestionQueue } from '@pl/placements';
import { countOf, startApi, TestApi, waitForIngestion } from '../support/harness';

/**
 * A crawler you can trust (issue 11): one item confirms at most one
 * placement, a placement with its own link is judged by its own page, a gone
 * link stays gone until that page answers again, every confirmation keeps
 * the page it rests on, and hosts are fetched in parallel — one request at a
 * time per host.
 */

const DATE = '2021-12-15';
const meeting = (n: number) => `双清区召开第${n}次乡村振兴工作推进会——聚焦“产业兴旺”`;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** An article page whose og:title and <h1> are `title`, with `extra` markup in its body. */
const article = (title: string, extra = '') => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}_红网</title><meta property="og:title" content="${title}">
<meta name="publishdate" content="${DATE} 09:00:00"></head>
<body><h1>${title}</h1><div class="content"><p>${DATE.slice(5, 7)}月${DATE.slice(8)}日，会议召开。</p>${extra}</div></body></html>`;

/** An RSS feed of `items` (links as given, absolute or relative). */
const feed = (items: { title: string; link: string }[]) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>红网大祥站</title><link>/</link>
${items.map((i) => `<item><title><![CDATA[${i.title}]]></title><link>${i.link}</link><pubDate>Wed, 15 Dec 2021 09:30:00 +0800</pubDate></item>`).join('\n')}
</channel></rss>`;

interface PlacementBody {
  id: number;
  status: string;
  linkGoneAt: string | null;
  events: { type: string; data: Record<string, unknown> | null }[];
  evidence: Record<string, unknown> | null;
}

describe('a crawler you can trust', () => {
  let server: FixtureServer;
  /** Four more sites, on their own loopback addresses (politeness is per host), slow enough for requests to overlap. */
  let sites: FixtureServer[];
  let recorder: ConcurrencyRecorder;
  let api: TestApi;

  const run = async (runId: string) => {
    for (let i = 0; i < 600; i++) {
      const r = await api.http().get(`/api/crawl/runs/${runId}`).expect(200);
      if (r.body.state === 'completed' || r.body.state === 'failed') return r.body;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`crawl run ${runId} did not finish`);
  };
  const placement = async (id: number): Promise<PlacementBody> => (await api.http().get(`/api/orgs/daxiang/placements/${id}`).expect(200)).body;
  const eventually = async (id: number, done: (p: PlacementBody) => boolean): Promise<PlacementBody> => {
    for (let i = 0; i < 300; i++) {
      const p = await placement(id);
      if (done(p)) return p;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`placement ${id}: ${JSON.stringify(await placement(id))}`);
  };
  /** Logs placements through the bulk API; their ids by title. */
  const logAll = async (entries: Record<string, unknown>[]): Promise<Map<string, number>> => {
    const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements: entries }).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    const ids = new Map<string, number>();
    for (const e of entries) {
      const list = await api.http().get(`/api/orgs/daxiang/placements?pageSize=5&q=${encodeURIComponent(String(e.title))}`).expect(200);
      ids.set(String(e.title), list.body.items.find((p: { title: string }) => p.title === e.title).id);
    }
    return ids;
  };
  const channelId = async (name: string) =>
    ((await api.http().get('/api/channels').expect(200)).body as { id: number; name: string }[]).find((c) => c.name === name)!.id;
  const confirm = async (placementIds: number[]) =>
    run((await api.http().post('/api/orgs/daxiang/crawl/confirm').send({ placementIds }).expect(202)).body.runId);

  beforeAll(async () => {
    server = await startFixtureServer();
    recorder = createConcurrencyRecorder();
    sites = [];
    for (const n of [2, 3, 4, 5]) sites.push(await startFixtureServer({ listenHost: `127.0.0.${n}`, latencyMs: 60, concurrency: recorder }));
    api = await startApi({
      env: { CRAWLER_ALLOW_HOSTS: [server, ...sites].map((s) => s.host).join(','), CRAWLER_HOST_DELAY_MS: '0', CRAWLER_RETRIES: '0', CRAWLER_HOST_CONCURRENCY: '4' },
    });
  });
  afterAll(async () => {
    await api.close();
    for (const s of [server, ...sites]) await s.close();
  });

  describe('40 placements of "第N次" meetings, one feed listing only "第0次"', () => {
    let ids: number[];
    const kind = (n: number) => (['robots', 'gone', 'other', 'right'] as const)[n % 4];
    const linkOf = (n: number) =>
      ({
        robots: `${server.url}/private/trust/${n}.html`, // under robots.txt's Disallow: never fetched
        gone: `${server.url}/trust/gone/${n}.html`, // 404
        other: `${server.url}/trust/other/${n}.html`, // another article
        right: `${server.url}/trust/right/${n}.html`, // the article
      })[kind(n)];

    beforeAll(async () => {
      for (let n = 0; n < 40; n++) {
        if (kind(n) === 'other') server.addFile(`/trust/other/${n}.html`, { body: article('北塔区新建城市书房正式开放') });
        if (kind(n) === 'right') server.addFile(`/trust/right/${n}.html`, { body: article(meeting(n)) });
      }
      const byTitle = await logAll(Array.from({ length: 40 }, (_, n) => ({ channel: '红网大祥站', title: meeting(n), publishedOn: DATE, url: linkOf(n) })));
      ids = Array.from({ length: 40 }, (_, n) => byTitle.get(meeting(n))!);
    });

    it('a confirmation run confirms only the placements whose own page shows them, and flags the gone links', async () => {
      const r = await confirm(ids);
      expect(r).toMatchObject({ state: 'completed', confirmed: 10, linkGone: 10, discovered: 0 });
      expect(server.hits.all().filter((h) => h.path.startsWith('/private/'))).toEqual([]);
      for (let n = 0; n < 40; n++) {
        const p = await eventually(ids[n], (x) => (kind(n) === 'right' ? x.status === 'confirmed' : kind(n) === 'gone' ? x.linkGoneAt !== null : true));
        expect({ n, status: p.status, gone: p.linkGoneAt !== null }).toEqual({ n, status: kind(n) === 'right' ? 'confirmed' : 'claimed', gone: kind(n) === 'gone' });
        if (kind(n) === 'right') {
          expect(p.evidence).toMatchObject({ foundIn: 'own-page', url: linkOf(n), status: 200, matchedTitle: meeting(n), stored: true });
        }
      }
      const errors = r.errors as { placementId: number; message: string }[];
      expect(errors.filter((e) => e.message.startsWith('robots')).map((e) => e.placementId).sort()).toEqual(ids.filter((_, n) => kind(n) === 'robots').sort());
      expect(errors.filter((e) => e.message.includes('does not match')).map((e) => e.placementId).sort()).toEqual(ids.filter((_, n) => kind(n) === 'other').sort());
    });

    it('after the feed run exactly one placement, the listed one, is confirmed; every other keeps its status', async () => {
      const before = await Promise.all(ids.map(placement));
      const source = await api
        .http()
        .post(`/api/channels/${await channelId('红网大祥站')}/sources`)
        .send({ type: 'feed', url: `${server.url}/trust/feed-0.xml` })
        .expect(201);
      const feedBody = feed([{ title: meeting(0), link: linkOf(0) }]);
      server.addFile('/trust/feed-0.xml', { body: feedBody });
      const r = await run((await api.http().post(`/api/crawl/sources/${source.body.id}/run`).send({ date: DATE }).expect(202)).body.runId);
      expect(r).toMatchObject({ state: 'completed', pages: 1, items: 1, confirmed: 1, discovered: 0, linkGone: 0 });

      // Its link is robots-disallowed: the feed's item at the same URL is what confirms it.
      const listed = await eventually(ids[0], (p) => p.status === 'confirmed');
      expect(listed.evidence).toMatchObject({
        foundIn: 'feed',
        foundOn: `${server.url}/trust/feed-0.xml`,
        url: linkOf(0),
        matchedTitle: meeting(0),
        sha256: sha256(feedBody),
        stored: true,
      });
      // Once the listed placement's confirmation is written, nothing else has moved.
      const after = await Promise.all(ids.map(placement));
      for (let n = 1; n < 40; n++) {
        expect({ n, status: after[n].status, linkGoneAt: after[n].linkGoneAt, events: after[n].events.length }).toEqual({
          n,
          status: before[n].status,
          linkGoneAt: before[n].linkGoneAt,
          events: before[n].events.length,
        });
      }
      await api.http().post(`/api/crawl/sources/${source.body.id}/disable`).expect(200);
    });

    it('a placement whose own link is 404 stays link gone when a feed shows its title at another URL, until its own page answers again', async () => {
      const n = 1; // its link answered 404
      const source = await api
        .http()
        .post(`/api/channels/${await channelId('红网大祥站')}/sources`)
        .send({ type: 'feed', url: `${server.url}/trust/feed-moved.xml` })
        .expect(201);
      server.addFile('/trust/feed-moved.xml', { body: feed([{ title: meeting(n), link: `${server.url}/trust/moved/${n}.html` }]) });
      const r = await run((await api.http().post(`/api/crawl/sources/${source.body.id}/run`).send({ date: DATE }).expect(202)).body.runId);
      expect(r).toMatchObject({ state: 'completed', items: 1, confirmed: 0, discovered: 0 });
      expect(r.errors).toEqual([
        expect.objectContaining({ placementId: ids[n], url: `${server.url}/trust/moved/${n}.html`, message: expect.stringContaining('possible duplicate') }),
      ]);
      const still = await placement(ids[n]);
      expect({ status: still.status, gone: still.linkGoneAt !== null }).toEqual({ status: 'claimed', gone: true });
      await api.http().post(`/api/crawl/sources/${source.body.id}/disable`).expect(200);

      // The outlet puts the page back: its own page answers, the flag clears and the page confirms it.
      server.addFile(`/trust/gone/${n}.html`, { body: article(meeting(n)) });
      const again = await confirm([ids[n]]);
      expect(again).toMatchObject({ state: 'completed', confirmed: 1, linkGone: 0 });
      const back = await eventually(ids[n], (p) => p.status === 'confirmed' && p.linkGoneAt === null);
      expect(back.events.map((e) => e.type)).toEqual(['logged', 'link-gone', 'link-restored', 'confirmed']);
    });

    it('gone links that answer again in one pass read link-restored before confirmed, however many workers write them; a page with another story only clears the flag', async () => {
      // The other nine gone links (n = 1 is back already): eight pages come back with their story, one with another.
      const gone = ids.map((id, n) => ({ id, n })).filter(({ n }) => kind(n) === 'gone' && n !== 1);
      const [stranger, ...returning] = gone;
      server.addFile(`/trust/gone/${stranger.n}.html`, { body: article('北塔区新建城市书房正式开放') });
      for (const { n } of returning) server.addFile(`/trust/gone/${n}.html`, { body: article(meeting(n)) });
      const r = await confirm(gone.map((g) => g.id));
      expect(r).toMatchObject({ state: 'completed', confirmed: returning.length, linkGone: 0 });
      for (const { id, n } of returning) {
        const p = await eventually(id, (x) => x.status === 'confirmed' && x.linkGoneAt === null);
        expect({ n, events: p.events.map((e) => e.type) }).toEqual({ n, events: ['logged', 'link-gone', 'link-restored', 'confirmed'] });
        expect(p.events[2].data).toMatchObject({ evidence: { url: linkOf(n), status: 200 } });
      }
      const other = await eventually(stranger.id, (x) => x.linkGoneAt === null);
      expect({ status: other.status, events: other.events.map((e) => e.type) }).toEqual({ status: 'claimed', events: ['logged', 'link-gone', 'link-restored'] });
    });
  });

  it('a confirmation that finds the placement already confirmed (a race with an editor) is refused, and the link it saw answer is still restored', async () => {
    const title = '大祥区召开链接恢复竞态测试会';
    const url = `${server.url}/race/1.html`; // 404 until added
    const id = (await logAll([{ channel: '红网大祥站', title, publishedOn: DATE, url }])).get(title)!;
    expect(await confirm([id])).toMatchObject({ state: 'completed', linkGone: 1 });
    await eventually(id, (p) => p.linkGoneAt !== null);
    // An editor confirms it by hand meanwhile.
    const byHand = await api.http().patch(`/api/orgs/daxiang/placements/${id}`).send({ status: 'confirmed', reason: '已在报纸版面核实' }).expect(202);
    await waitForIngestion(api, byHand.body.ingestionId);
    // The crawler's confirmation, read from the page before that (the job a pass sends, as it sends it).
    const ingestionId = randomUUID();
    const [{ organization_id: organizationId }] = (await api.dataSource.query(`SELECT organization_id FROM placements WHERE id = ${id}`)) as { organization_id: number }[];
    const seen = { url, fetchedAt: new Date().toISOString(), status: 200, sha256: sha256(article(title)) };
    await api.app.get(IngestionQueue).enqueue([
      {
        name: 'placement.set-status',
        data: { ingestionId, organizationId, placementId: id, status: 'confirmed', actor: 'crawler', reason: '爬虫在媒体页面上找到了这篇稿件', evidence: seen, linkRestored: seen },
      },
    ]);
    const after = await eventually(id, (p) => p.linkGoneAt === null);
    expect({ status: after.status, events: after.events.map((e) => e.type) }).toEqual({ status: 'confirmed', events: ['logged', 'link-gone', 'confirmed', 'link-restored'] });
    const refused = await waitForIngestion(api, ingestionId);
    expect(refused).toMatchObject({ inserted: 0, refusal: { code: 'PLACEMENT_BAD_STATUS_CHANGE', field: 'status' } });
  });

  describe('evidence (佐证)', () => {
    it('keeps the page a confirmation rests on, byte for byte, and serves it as a sandboxed download', async () => {
      const title = '大祥区全力推进城市更新行动（佐证测试）';
      const hostile = `<script>alert("x")</script><img src="/x.png" onerror="alert('y')"><a href="javascript:alert('z')">点此查看</a><p>城市更新行动稳步推进。</p>`;
      const body = Buffer.from(article(title, hostile), 'utf8');
      server.addFile('/evidence/1.html', { body, headers: { 'content-type': 'text/html; charset=utf-8' } });
      const ids = await logAll([{ channel: '邵阳新闻网', title, publishedOn: DATE, url: `${server.url}/evidence/1.html` }]);
      const id = ids.get(title)!;
      expect((await confirm([id])).confirmed).toBe(1);
      const p = await eventually(id, (x) => x.status === 'confirmed');
      expect(p.evidence).toEqual({
        url: `${server.url}/evidence/1.html`,
        fetchedAt: expect.any(String),
        status: 200,
        sha256: sha256(body),
        matchedTitle: title,
        similarity: 1,
        foundIn: 'own-page',
        size: body.length,
        stored: true,
        page: `/api/orgs/daxiang/placements/${id}/evidence`,
      });
      expect(Date.parse(p.evidence!.fetchedAt as string)).not.toBeNaN();

      const original = await api.http().get(`/api/orgs/daxiang/placements/${id}/evidence`).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(Buffer.compare(original.body as Buffer, body)).toBe(0);
      expect(original.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(original.headers['content-disposition']).toMatch(/^attachment; filename="evidence-/);
      expect(original.headers['content-security-policy']).toBe('sandbox');
      expect(original.headers['x-content-type-options']).toBe('nosniff');

      // The safe rendering: the text stays, nothing that runs does.
      const view = await api.http().get(`/api/orgs/daxiang/placements/${id}/evidence/view`).expect(200);
      expect(view.headers['content-security-policy']).toMatch(/^sandbox/);
      expect(view.text).toContain('城市更新行动稳步推进。');
      expect(view.text).toContain('点此查看');
      expect(view.text).not.toMatch(/<script/i);
      expect(view.text).not.toMatch(/onerror/i);
      expect(view.text).not.toMatch(/javascript:/i);
      expect(view.text).not.toContain('alert(');
    });

    it('stores a page once however many placements it confirms; a discovered placement shows where it was found', async () => {
      const a = '大祥区打造“15分钟便民生活圈”（佐证测试）';
      const b = '大祥区冬季森林防火工作部署会召开（佐证测试）';
      const news = '大祥区乡村振兴农产品展销会开幕（佐证测试）';
      const ids = await logAll([
        { channel: '邵阳新闻网', title: a, publishedOn: DATE },
        { channel: '邵阳新闻网', title: b, publishedOn: DATE },
      ]);
      const feedBody = feed([
        { title: a, link: '/evidence/a.html' },
        { title: b, link: '/evidence/b.html' },
        { title: news, link: '/evidence/news.html' },
      ]);
      server.addFile('/evidence/feed.xml', { body: feedBody });
      const source = await api
        .http()
        .post(`/api/channels/${await channelId('邵阳新闻网')}/sources`)
        .send({ type: 'feed', url: `${server.url}/evidence/feed.xml` })
        .expect(201);
      const r = await run((await api.http().post(`/api/crawl/sources/${source.body.id}/run`).send({ date: DATE }).expect(202)).body.runId);
      expect(r).toMatchObject({ state: 'completed', items: 3, confirmed: 2, discovered: 1 });
      const [pa, pb] = await Promise.all([ids.get(a)!, ids.get(b)!].map((id) => eventually(id, (x) => x.status === 'confirmed')));
      expect(pa.evidence).toMatchObject({ foundIn: 'feed', sha256: sha256(feedBody), url: `${server.url}/evidence/a.html`, matchedTitle: a });
      expect(pb.evidence).toMatchObject({ foundIn: 'feed', sha256: sha256(feedBody), url: `${server.url}/evidence/b.html`, matchedTitle: b });
      expect(await countOf(api.dataSource, `SELECT COUNT(*) AS n FROM evidence_pages WHERE sha256 = '${sha256(feedBody)}'`)).toBe(1);

      const discovered = (await api.http().get(`/api/orgs/daxiang/placements?status=discovered&q=${encodeURIComponent(news)}`).expect(200)).body.items;
      expect(discovered).toHaveLength(1);
      const d = await placement(discovered[0].id);
      expect(d.evidence).toMatchObject({
        foundIn: 'feed',
        foundOn: `${server.url}/evidence/feed.xml`,
        url: `${server.url}/evidence/news.html`,
        matchedTitle: news,
        sha256: sha256(feedBody),
        stored: true,
        keywords: ['大祥'],
      });
      const page = await api.http().get(`/api/orgs/daxiang/placements/${d.id}/evidence`).expect(200);
      expect(page.text).toBe(feedBody);
      await api.http().post(`/api/crawl/sources/${source.body.id}/disable`).expect(200);
    });

    it('discovers "第41次" although "第40次" is in the ledger: discovery judges by the same matcher', async () => {
      const known = '大祥区召开第40次区委常委会议（发现测试）';
      const next = '大祥区召开第41次区委常委会议（发现测试）';
      await logAll([{ channel: '大祥新闻网', title: known, publishedOn: DATE }]);
      server.addFile('/discover/feed.xml', { body: feed([{ title: known, link: '/discover/40.html' }, { title: next, link: '/discover/41.html' }]) });
      const source = await api
        .http()
        .post(`/api/channels/${await channelId('大祥新闻网')}/sources`)
        .send({ type: 'feed', url: `${server.url}/discover/feed.xml` })
        .expect(201);
      const r = await run((await api.http().post(`/api/crawl/sources/${source.body.id}/run`).send({ date: DATE }).expect(202)).body.runId);
      expect(r).toMatchObject({ state: 'completed', items: 2, confirmed: 1, discovered: 1 });
      let found: { title: string }[] = [];
      for (let i = 0; i < 200 && found.length === 0; i++) {
        if (i > 0) await new Promise((res) => setTimeout(res, 50));
        found = (await api.http().get(`/api/orgs/daxiang/placements?status=discovered&q=${encodeURIComponent('发现测试')}`).expect(200)).body.items;
      }
      expect(found.map((p) => p.title)).toEqual([next]);
      await api.http().post(`/api/crawl/sources/${source.body.id}/disable`).expect(200);
    });

    it('a placement the crawler never vouched for has no evidence (404 naming the id)', async () => {
      const ids = await logAll([{ channel: '邵阳新闻网', title: '大祥区无佐证稿件', publishedOn: DATE }]);
      const id = ids.get('大祥区无佐证稿件')!;
      expect((await placement(id)).evidence).toBeNull();
      const res = await api.http().get(`/api/orgs/daxiang/placements/${id}/evidence`).expect(404);
      expect(res.body.errors[0].field).toBe('id');
    });
  });

  it('works on several hosts at once, never two requests to one host at a time', async () => {
    const entries: Record<string, unknown>[] = [];
    sites.forEach((site, h) => {
      for (let k = 0; k < 5; k++) {
        const title = `大祥区并行抓取测试稿件第${h * 5 + k + 1}篇：站点${h + 2}`;
        site.addFile(`/p/${k}.html`, { body: article(title) });
        entries.push({ channel: '湖南日报', title, publishedOn: DATE, url: `${site.url}/p/${k}.html` });
      }
    });
    const ids = await logAll(entries);
    const r = await confirm([...ids.values()]);
    expect(r).toMatchObject({ state: 'completed', pages: 20, confirmed: 20, errors: [] });
    expect([...recorder.maxPerHost.keys()].sort()).toEqual(sites.map((s) => s.host).sort());
    expect(Math.max(...recorder.maxPerHost.values())).toBe(1);
    expect(recorder.maxHostsAtOnce).toBeGreaterThanOrEqual(2);
  });
});

describe('evidence larger than the cap', () => {
  let server: FixtureServer;
  let api: TestApi;
  beforeAll(async () => {
    server = await startFixtureServer();
    api = await startApi({ env: { CRAWLER_ALLOW_HOSTS: server.host, CRAWLER_HOST_DELAY_MS: '0', CRAWLER_EVIDENCE_MAX_BYTES: '200' } });
  });
  afterAll(async () => {
    await api.close();
    await server.close();
  });

  it('confirms, records the page’s sha256 and size, and says the page was not kept', async () => {
    const title = '大祥区超大页面佐证测试';
    const body = article(title, '<p>' + '正文'.repeat(200) + '</p>');
    server.addFile('/big.html', { body });
    const res = await api.http().post('/api/orgs/daxiang/placements').send({ channel: '邵阳新闻网', title, publishedOn: DATE, url: `${server.url}/big.html` }).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
    const id = (await api.http().get(`/api/orgs/daxiang/placements?q=${encodeURIComponent(title)}`).expect(200)).body.items[0].id;
    const started = await api.http().post('/api/orgs/daxiang/crawl/confirm').send({ placementIds: [id] }).expect(202);
    for (let i = 0; i < 300; i++) {
      const p = (await api.http().get(`/api/orgs/daxiang/placements/${id}`).expect(200)).body;
      if (p.status === 'confirmed') {
        expect(p.evidence).toMatchObject({ sha256: sha256(body), size: Buffer.byteLength(body), stored: false, note: expect.stringContaining('超过留存上限 200 字节') });
        expect(p.evidence.page).toBeUndefined();
        const missing = await api.http().get(`/api/orgs/daxiang/placements/${id}/evidence`).expect(404);
        expect(missing.body.message).toContain('超过留存上限');
        expect(await countOf(api.dataSource, 'SELECT COUNT(*) AS n FROM evidence_pages')).toBe(0);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`not confirmed: run ${JSON.stringify((await api.http().get(`/api/crawl/runs/${started.body.runId}`)).body)}`);
  });
});
