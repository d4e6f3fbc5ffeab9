import { FixtureServer, startFixtureServer } from '../fixtures/crawl/server';
import { startApi, TestApi, waitForIngestion } from '../support/harness';

/**
 * A POST whose body is optional takes no body, an empty body sent as JSON,
 * `{}` and `null` alike; a POST that needs a body still refuses an empty one
 * with a 400 naming the body, as it refuses `null`.
 */
describe('optional request bodies', () => {
  let server: FixtureServer;
  let api: TestApi;
  let sourceId: number;

  beforeAll(async () => {
    server = await startFixtureServer();
    api = await startApi({ env: { CRAWLER_ALLOW_HOSTS: server.host, CRAWLER_HOST_DELAY_MS: '0' } });
    const channels = (await api.http().get('/api/channels').expect(200)).body as { id: number; name: string }[];
    const channel = channels.find((c) => c.name === '红网大祥站')!.id;
    sourceId = (await api.http().post(`/api/channels/${channel}/sources`).send({ type: 'feed', url: `${server.url}/feeds/rednet.xml` }).expect(201)).body.id;
  });
  afterAll(async () => {
    await api.close();
    await server.close();
  });

  /** The four ways of sending nothing. */
  const nothing: [string, (path: string) => ReturnType<ReturnType<TestApi['http']>['post']>][] = [
    ['no body at all', (path) => api.http().post(path)],
    ['an empty body sent as JSON', (path) => api.http().post(path).set('content-type', 'application/json').send('')],
    ['{}', (path) => api.http().post(path).send({})],
    ['null', (path) => api.http().post(path).set('content-type', 'application/json').send('null')],
  ];

  it.each(nothing)('POST /api/orgs/:org/crawl/confirm with %s starts a run', async (_name, post) => {
    const res = await post('/api/orgs/daxiang/crawl/confirm').expect(202);
    const run = await api.http().get(`/api/crawl/runs/${res.body.runId}`).expect(200);
    expect(run.body).toMatchObject({ id: res.body.runId, kind: 'confirm' });
  });

  it.each(nothing)('POST /api/crawl/sources/:id/run with %s starts a run', async (_name, post) => {
    const res = await post(`/api/crawl/sources/${sourceId}/run`).expect(202);
    const run = await api.http().get(`/api/crawl/runs/${res.body.runId}`).expect(200);
    expect(run.body).toMatchObject({ id: res.body.runId, kind: 'source', sourceId });
  });

  it.each(nothing)('POST …/placements/:id/withdraw and …/restore with %s withdraw and restore it', async (name, post) => {
    const title = `大祥区可选请求体测试：${name}`;
    const logged = await api.http().post('/api/orgs/daxiang/placements').send({ channel: '红网大祥站', title, publishedOn: '2021-07-01' }).expect(202);
    await waitForIngestion(api, logged.body.ingestionId);
    const id = (await api.http().get('/api/orgs/daxiang/placements').query({ q: title }).expect(200)).body.items[0].id;
    const status = async () => (await api.http().get(`/api/orgs/daxiang/placements/${id}`).expect(200)).body.status;
    await waitForIngestion(api, (await post(`/api/orgs/daxiang/placements/${id}/withdraw`).expect(202)).body.ingestionId);
    expect(await status()).toBe('withdrawn');
    await waitForIngestion(api, (await post(`/api/orgs/daxiang/placements/${id}/restore`).expect(202)).body.ingestionId);
    expect(await status()).toBe('claimed');
  });

  it('still refuses a bad optional body, naming the field', async () => {
    const res = await api.http().post(`/api/crawl/sources/${sourceId}/run`).send({ date: '2021-02-30' }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('date');
    const bad = await api.http().post('/api/orgs/daxiang/crawl/confirm').set('content-type', 'application/json').send('{"placementIds": [1,').expect(400);
    expect(bad.body.errors[0].field).toBe('body');
  });

  it('a POST that needs a body refuses an empty one with a 400 naming the body', async () => {
    const res = await api.http().post('/api/orgs/daxiang/placements').set('content-type', 'application/json').send('').expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['(body)']); // as for a JSON null
    const bulk = await api.http().post('/api/orgs/daxiang/placements/bulk').set('content-type', 'application/json').send('').expect(400);
    expect(bulk.body.errors.length).toBeGreaterThan(0);
  });
});
