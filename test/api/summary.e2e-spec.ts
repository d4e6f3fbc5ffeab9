import { todayInShanghai } from '@pl/domain';
import { startApi, TestApi, waitForIngestion } from '../support/harness';

/** The fields an error response names. */
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

interface Row {
  key: string;
  label: string;
  count: number;
}

/**
 * A small ledger with known counts: 17 placements, one before the founding
 * date (2019-06-21), one confirmed and one rejected.
 */
const LEDGER = [
  { channel: '中央电视台', title: '汇总·大祥区城市提质三年行动', publishedOn: '2020-03-05' }, // confirmed below
  { channel: '央视', title: '汇总·大祥区复工复产按下快进键', publishedOn: '2020-03-20' },
  { channel: '人民日报', title: '汇总·大祥区产业扶贫见实效', publishedOn: '2020-03-10' },
  { channel: '人民日报公众号', title: '汇总·大祥区春日农忙图', publishedOn: '2020-03-11' },
  { channel: '湖南日报', title: '汇总·大祥区老旧小区改造', publishedOn: '2020-11-02' },
  { channel: '湖南日报', title: '汇总·大祥区创建文明城市', publishedOn: '2020-11-03' },
  { channel: '湖南日报', title: '汇总·大祥区一稿误报', publishedOn: '2020-11-04' }, // rejected below
  { channel: '湖南卫视', title: '汇总·大祥区冬季征兵', publishedOn: '2020-11-05' },
  { channel: '湖南卫视联播新闻', title: '汇总·大祥区冬修水利', publishedOn: '2020-11-06' },
  { channel: '邵阳日报', title: '汇总·大祥区新年第一会', publishedOn: '2021-01-08' },
  { channel: '邵阳日报', title: '汇总·大祥区春运开启', publishedOn: '2021-01-09' },
  { channel: '红网', title: '汇总·大祥区年终盘点', publishedOn: '2021-12-01' },
  { channel: '红网大祥站', title: '汇总·大祥区岁末送温暖', publishedOn: '2021-12-02' },
  { channel: '大祥发布微信公众号', title: '汇总·大祥区冬日暖阳', publishedOn: '2021-12-03' },
  { channel: '大祥发布', title: '汇总·大祥区迎新年', publishedOn: '2021-12-04' },
  { channel: '大祥发布公众号', title: '汇总·大祥区年货节', publishedOn: '2021-12-05' },
  { channel: '邵阳晚报', title: '汇总·大祥区筹建融媒体中心', publishedOn: '2019-06-20' },
];

describe('summary over HTTP', () => {
  let api: TestApi;
  const ids = new Map<string, number>();
  const summary = async (query: Record<string, string>) =>
    (await api.http().get('/api/orgs/daxiang/summary').query(query).expect(200)).body as {
      from: string;
      to: string;
      groupBy: string;
      rows: Row[];
      total: number;
    };
  const counts = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.label, r.count]));

  beforeAll(async () => {
    api = await startApi();
    const res = await api.http().post('/api/orgs/daxiang/placements/bulk').send({ placements: LEDGER }).expect(202);
    expect(res.body).toMatchObject({ accepted: LEDGER.length, rejected: [] });
    expect(await waitForIngestion(api, res.body.ingestionId)).toMatchObject({ inserted: LEDGER.length });

    const all = await api.http().get('/api/orgs/daxiang/placements').query({ from: '2019-01-01', pageSize: 100 }).expect(200);
    for (const p of all.body.items) ids.set(p.title, p.id);
    const channels = (await api.http().get('/api/channels').expect(200)).body as { id: number; name: string; outlet: { id: number; name: string } }[];
    for (const c of channels) {
      ids.set(`channel:${c.name}`, c.id);
      ids.set(`outlet:${c.outlet.name}`, c.outlet.id);
    }
    for (const [title, status] of [
      ['汇总·大祥区城市提质三年行动', 'confirmed'],
      ['汇总·大祥区一稿误报', 'rejected'],
    ]) {
      const r = await api.http().patch(`/api/orgs/daxiang/placements/${ids.get(title)}`).send({ status }).expect(202);
      await waitForIngestion(api, r.body.ingestionId);
    }
  });
  afterAll(async () => {
    await api.close();
  });

  it('groups by tier since the founding date up to today by default, counting claimed and confirmed', async () => {
    const s = await summary({});
    expect(s).toEqual({
      from: '2019-06-21',
      to: todayInShanghai(),
      groupBy: 'tier',
      rows: [
        { key: 'central', label: '中央级', count: 4 },
        { key: 'provincial', label: '省级', count: 5 },
        { key: 'municipal', label: '市级', count: 2 },
        { key: 'district', label: '区级', count: 4 },
      ],
      total: 15,
    });
  });

  it('includes what lies before the founding date when from says so', async () => {
    const s = await summary({ from: '2019-01-01', groupBy: 'tier' });
    expect(s.rows.find((r) => r.key === 'municipal')?.count).toBe(3);
    expect(s.total).toBe(16);
  });

  it('counts only rejected placements with status=rejected, only confirmed with status=confirmed', async () => {
    const rejected = await summary({ status: 'rejected' });
    expect(rejected.rows.map((r) => [r.key, r.count])).toEqual([
      ['central', 0],
      ['provincial', 1],
      ['municipal', 0],
      ['district', 0],
    ]);
    expect(rejected.total).toBe(1);
    const confirmed = await summary({ status: 'confirmed', groupBy: 'channel' });
    expect(confirmed.rows).toEqual([{ key: String(ids.get('channel:中央电视台')), label: '中央电视台', count: 1 }]);
    expect(confirmed.total).toBe(1);
    const claimed = await summary({ status: 'claimed' });
    expect(claimed.total).toBe(14);
  });

  it('groups by channel: the channel id as key and its name as label, tier by tier', async () => {
    const s = await summary({ groupBy: 'channel' });
    const expected: [string, number][] = [
      ['中央电视台', 2],
      ['人民日报', 1],
      ['人民日报微信公众号', 1],
      ['湖南日报', 2],
      ['湖南卫视', 1],
      ['湖南新闻联播', 1],
      ['红网', 1],
      ['邵阳日报', 2],
      ['大祥发布微信公众号', 3],
      ['红网大祥站', 1],
    ];
    expect(s.rows).toEqual(expected.map(([name, count]) => ({ key: String(ids.get(`channel:${name}`)), label: name, count })));
    expect(s.total).toBe(15);
  });

  it('groups by outlet: the outlet id as key and its name as label, each outlet with its highest tier', async () => {
    const s = await summary({ groupBy: 'outlet' });
    const expected: Record<string, number> = {
      中央电视台: 2,
      人民日报: 2,
      湖南日报: 2,
      湖南卫视: 2,
      红网: 2, // 红网 (provincial) and 红网大祥站 (district)
      邵阳日报: 2,
      大祥发布: 3,
    };
    expect(counts(s.rows)).toEqual(expected);
    for (const r of s.rows) expect(r.key).toBe(String(ids.get(`outlet:${r.label}`)));
    expect(s.total).toBe(15);
    const tierOf: Record<string, number> = { 中央电视台: 0, 人民日报: 0, 湖南日报: 1, 湖南卫视: 1, 红网: 1, 邵阳日报: 2, 大祥发布: 3 };
    const order = s.rows.map((r) => tierOf[r.label]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('groups by month (YYYY-MM) and by year (YYYY), in date order', async () => {
    const months = await summary({ groupBy: 'month' });
    expect(months.rows).toEqual([
      { key: '2020-03', label: '2020年3月', count: 4 },
      { key: '2020-11', label: '2020年11月', count: 4 },
      { key: '2021-01', label: '2021年1月', count: 2 },
      { key: '2021-12', label: '2021年12月', count: 5 },
    ]);
    expect(months.total).toBe(15);
    const years = await summary({ groupBy: 'year', from: '2019-01-01' });
    expect(years.rows).toEqual([
      { key: '2019', label: '2019年', count: 1 },
      { key: '2020', label: '2020年', count: 8 },
      { key: '2021', label: '2021年', count: 7 },
    ]);
    expect(years.total).toBe(16);
    const rejectedByMonth = await summary({ groupBy: 'month', status: 'rejected' });
    expect(rejectedByMonth.rows).toEqual([{ key: '2020-11', label: '2020年11月', count: 1 }]);
  });

  it('honours from, to and the other filters', async () => {
    const s = await summary({ from: '2020-03-10', to: '2020-11-05', groupBy: 'tier' });
    expect(s).toMatchObject({ from: '2020-03-10', to: '2020-11-05' });
    expect(s.rows.map((r) => r.count)).toEqual([3, 3, 0, 0]);
    const central = await summary({ tier: 'central', groupBy: 'channel' });
    expect(counts(central.rows)).toEqual({ 中央电视台: 2, 人民日报: 1, 人民日报微信公众号: 1 });
    const oneChannel = await summary({ channel: '大祥发布', groupBy: 'month' });
    expect(oneChannel.rows).toEqual([{ key: '2021-12', label: '2021年12月', count: 3 }]);
    const in2021 = await summary({ from: '2021-01-01', to: '2021-12-31', groupBy: 'year' });
    expect(in2021.rows).toEqual([{ key: '2021', label: '2021年', count: 7 }]);
  });

  it('answers an empty period with 200 and total 0 (every tier listed with 0)', async () => {
    const s = await summary({ from: '2018-01-01', to: '2018-12-31' });
    expect(s).toEqual({
      from: '2018-01-01',
      to: '2018-12-31',
      groupBy: 'tier',
      rows: [
        { key: 'central', label: '中央级', count: 0 },
        { key: 'provincial', label: '省级', count: 0 },
        { key: 'municipal', label: '市级', count: 0 },
        { key: 'district', label: '区级', count: 0 },
      ],
      total: 0,
    });
    for (const groupBy of ['channel', 'outlet', 'month', 'year']) {
      expect(await summary({ from: '2018-01-01', to: '2018-12-31', groupBy })).toMatchObject({ groupBy, rows: [], total: 0 });
    }
  });

  it.each([
    [{ groupBy: 'week' }, 'groupBy'],
    [{ groupBy: '' }, 'groupBy'],
    [{ from: '2021-02-30' }, 'from'],
    [{ from: '2021-1-1' }, 'from'],
    [{ to: '2021-13-01' }, 'to'],
    [{ to: 'today' }, 'to'],
    [{ status: 'deleted' }, 'status'],
    [{ tier: 'national' }, 'tier'],
    [{ channel: '不存在的频道' }, 'channel'],
    [{ from: '2021-12-31', to: '2021-01-01' }, 'from'],
  ])('refuses %j with a 400 naming %s', async (query, field) => {
    const res = await api.http().get('/api/orgs/daxiang/summary').query(query).expect(400);
    expect(fieldsOf(res.body)).toContain(field);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });

  it('refuses from after the default to (today) with a 400 naming from', async () => {
    const res = await api.http().get('/api/orgs/daxiang/summary').query({ from: '2999-01-01' }).expect(400);
    expect(fieldsOf(res.body)).toEqual(['from']);
  });
});
