import { startApi, TestApi, waitForIngestion } from '../support/harness';

/** groupBy=tier,month answers tier × month in one request (the report's monthly table). */
describe('summary by two dimensions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
    const placements = [
      ['中央电视台', '2021-01-05'],
      ['中央电视台', '2021-03-01'],
      ['湖南日报', '2021-01-09'],
      ['湖南日报', '2021-01-10'],
      ['湖南日报', '2021-03-10'],
      ['红网大祥站', '2021-03-11'],
    ].map(([channel, publishedOn], i) => ({ channel, publishedOn, title: `大祥区二维汇总测试稿件${i}` }));
    const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements }).expect(202);
    await waitForIngestion(api, res.body.ingestionId);
  });
  afterAll(async () => {
    await api.close();
  });

  it('counts tier × month with joined keys and labels, in tier then time order', async () => {
    const res = await api.http().get('/api/orgs/daxiang/summary?groupBy=tier,month&from=2021-01-01&to=2021-12-31').expect(200);
    expect(res.body.groupBy).toBe('tier,month');
    expect(res.body.rows).toEqual([
      { key: 'central/2021-01', label: '中央级 · 2021年1月', count: 1 },
      { key: 'central/2021-03', label: '中央级 · 2021年3月', count: 1 },
      { key: 'provincial/2021-01', label: '省级 · 2021年1月', count: 2 },
      { key: 'provincial/2021-03', label: '省级 · 2021年3月', count: 1 },
      { key: 'district/2021-03', label: '区级 · 2021年3月', count: 1 },
    ]);
    expect(res.body.total).toBe(6);
  });

  it('refuses three dimensions, a repeated one or an unknown one, naming groupBy', async () => {
    for (const g of ['tier,month,year', 'tier,tier', 'tier,colour']) {
      const res = await api.http().get(`/api/orgs/daxiang/summary?groupBy=${g}`).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('groupBy');
    }
  });
});
