import { FixtureServer, startFixtureServer } from '../fixtures/crawl/server';
import { startApi, tableCounts, TestApi, waitForIngestion } from '../support/harness';

/**
 * POST /api/orgs/:org/placements/preview {url}: a pasted link's title, date
 * and channel, read through the crawler's guarded fetcher from a loopback
 * fixture server, and the placement it would duplicate. It writes nothing.
 */
describe('link preview', () => {
  let server: FixtureServer;
  let api: TestApi;
  const article = () => `${server.url}/news/2021/12/15/article_1002.html`;

  beforeAll(async () => {
    server = await startFixtureServer();
    api = await startApi({ env: { CRAWLER_ALLOW_HOSTS: server.host, CRAWLER_HOST_DELAY_MS: '0', CRAWLER_RETRIES: '0' } });
    // A channel whose URL pattern claims the fixture server's links.
    await api
      .http()
      .post('/api/channels')
      .send({ name: '测试新闻网', outlet: '测试新闻网', tier: 'municipal', kind: 'website', urlPatterns: [`^${server.url.replace(/[.]/g, '\\.')}/news/`] })
      .expect(201);
  });
  afterAll(async () => {
    await api.close();
    await server.close();
  });

  it('reads the title and date from the page and the channel from its URL pattern, writing nothing', async () => {
    const before = await tableCounts(api.dataSource);
    const res = await api.http().post('/api/orgs/daxiang/placements/preview').send({ url: article() }).expect(200);
    expect(res.body).toMatchObject({
      url: article(),
      title: '大祥区:"一件事一次办" 跑出加速度!',
      publishedOn: '2021-12-15',
      channel: { name: '测试新闻网', tier: 'municipal' },
      duplicateOf: null,
      fetch: { ok: true, status: 200 },
    });
    expect(await tableCounts(api.dataSource)).toEqual(before);
  });

  it('names the placement already logged with that link', async () => {
    const logged = await api
      .http()
      .post('/api/orgs/daxiang/placements')
      .send({ channel: '测试新闻网', title: '一件事一次办', publishedOn: '2021-12-15', url: `${article()}?utm_source=wechat` })
      .expect(202);
    await waitForIngestion(api, logged.body.ingestionId);
    const res = await api.http().post('/api/orgs/daxiang/placements/preview').send({ url: article() }).expect(200);
    expect(res.body.duplicateOf).toMatchObject({ title: '一件事一次办', publishedOn: '2021-12-15', status: 'claimed', channel: '测试新闻网' });
    expect(typeof res.body.duplicateOf.id).toBe('number');
  });

  it('says why a page could not be read: a 404, an address the SSRF guard refuses', async () => {
    const gone = await api.http().post('/api/orgs/daxiang/placements/preview').send({ url: `${server.url}/status/404` }).expect(200);
    expect(gone.body).toMatchObject({ title: null, publishedOn: null, channel: null, fetch: { ok: false, reason: 'http', status: 404 } });
    const internal = await api.http().post('/api/orgs/daxiang/placements/preview').send({ url: 'http://10.0.0.1/news.html' }).expect(200);
    expect(internal.body.fetch).toMatchObject({ ok: false, reason: 'forbidden-address' });
  });

  it('refuses a missing or non-http link with a 400 naming url, and an unknown organization with a 404', async () => {
    for (const body of [{}, { url: 'ftp://example.com/a' }, { url: 'not a link' }, { url: article(), extra: 1 }]) {
      const res = await api.http().post('/api/orgs/daxiang/placements/preview').send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([Object.keys(body).includes('extra') ? 'extra' : 'url']);
    }
    await api.http().post('/api/orgs/nowhere/placements/preview').send({ url: article() }).expect(404);
  });
});
