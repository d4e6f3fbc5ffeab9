import { startApi, TestApi, waitForIngestion } from '../support/harness';

/** The BullMQ dashboard (bull-board) at /admin/queues shows this deployment's queues and their jobs. */
describe('queue dashboard at /admin/queues', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('serves its page and lists the ingestion, reports and crawl queues with their job counts', async () => {
    const res = await api
      .http()
      .post('/api/orgs/daxiang/placements')
      .send({ channel: '红网', title: '队列看板里的一条稿件', publishedOn: '2021-06-01' })
      .expect(202);
    await waitForIngestion(api, res.body.ingestionId);

    const page = await api.http().get('/admin/queues').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('上稿台账 · 任务队列');

    const queues = await api.http().get('/admin/queues/api/queues').expect(200);
    const byName = Object.fromEntries((queues.body.queues as { name: string; counts: Record<string, number> }[]).map((q) => [q.name, q]));
    expect(Object.keys(byName).sort()).toEqual(['crawl', 'ingestion', 'reports']);
    expect(byName.ingestion.counts.completed).toBeGreaterThanOrEqual(1);
  });

  it('leaves the API and the web UI as they were', async () => {
    await api.http().get('/api/orgs').expect(200);
    await api.http().get('/admin/queues/api/no-such-route').expect(404);
  });
});
