import { startApi, TestApi, waitForIngestion } from '../support/harness';

/** The ledger list's filters the 台账 page offers beyond the counts' ones: source, author, link gone, and sort. */
describe('placement list: source, author, link gone, sort', () => {
  let api: TestApi;
  const list = async (query: Record<string, string>) =>
    (await api.http().get('/api/orgs/daxiang/placements').query({ from: '2019-01-01', to: '2019-12-31', ...query }).expect(200)).body as {
      total: number;
      items: { title: string; publishedOn: string; source: string; authors: string[]; channel: { name: string; tier: string } }[];
    };
  const titles = (r: { items: { title: string }[] }) => r.items.map((i) => i.title);

  beforeAll(async () => {
    api = await startApi();
    const editor = await api
      .http()
      .post('/api/orgs/daxiang/placements/bulk')
      .send({
        placements: [
          { channel: '大祥新闻网', title: '乙·城南街道老旧小区改造', publishedOn: '2019-08-02', authors: ['欧阳明', '李芳'] },
          { channel: '中央电视台', title: '甲·大祥区乡村振兴', publishedOn: '2019-08-01', authors: ['王强'] },
          { channel: '湖南日报', title: '丙·大祥区招商引资', publishedOn: '2019-08-03', authors: ['欧阳明'] },
        ],
      })
      .expect(202);
    await waitForIngestion(api, editor.body.ingestionId);
    const imported = await api
      .http()
      .post('/api/orgs/daxiang/imports')
      .attach('file', Buffer.from('刊发日期,标题,媒体,作者\n2019-08-04,丁·大祥区文明创建,红网,赵丽\n'), { filename: 'august.csv' })
      .expect(202);
    await waitForIngestion(api, imported.body.ingestionId);
  });
  afterAll(async () => {
    await api.close();
  });

  it('filters by source', async () => {
    expect(titles(await list({ source: 'import' }))).toEqual(['丁·大祥区文明创建']);
    expect((await list({ source: 'editor' })).total).toBe(3);
    expect((await list({ source: 'crawler' })).total).toBe(0);
  });

  it('filters by an author, or part of a name', async () => {
    expect(titles(await list({ author: '欧阳明' }))).toEqual(['丙·大祥区招商引资', '乙·城南街道老旧小区改造']);
    expect(titles(await list({ author: '李' }))).toEqual(['乙·城南街道老旧小区改造']);
    expect((await list({ author: '无此人' })).total).toBe(0);
  });

  it('sorts by date, title, channel or tier, either way', async () => {
    expect(titles(await list({}))).toEqual(['丁·大祥区文明创建', '丙·大祥区招商引资', '乙·城南街道老旧小区改造', '甲·大祥区乡村振兴']);
    expect((await list({ sort: 'publishedOn' })).items.map((i) => i.publishedOn)).toEqual(['2019-08-01', '2019-08-02', '2019-08-03', '2019-08-04']);
    expect((await list({ sort: 'tier' })).items.map((i) => i.channel.tier)).toEqual(['central', 'provincial', 'provincial', 'district']);
    expect((await list({ sort: '-tier' })).items[0].channel.tier).toBe('district');
    const byTitle = titles(await list({ sort: 'title' }));
    expect(titles(await list({ sort: '-title' }))).toEqual([...byTitle].reverse());
  });

  it('lists only placements whose link the crawler found gone with linkGone=true', async () => {
    expect((await list({ linkGone: 'true' })).total).toBe(0);
    expect((await list({ linkGone: 'false' })).total).toBe(4);
  });

  it.each([
    [{ source: 'robot' }, 'source'],
    [{ sort: 'views' }, 'sort'],
    [{ sort: '--title' }, 'sort'],
    [{ linkGone: 'yes' }, 'linkGone'],
    [{ author: '' }, 'author'],
  ])('refuses %j with a 400 naming %s', async (query, field) => {
    const res = await api.http().get('/api/orgs/daxiang/placements').query(query).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
