import { PlacementQueries } from '@pl/placements';
import { Organization } from '@pl/persistence';
import { defaultPointsTable, PointsService } from '@pl/reporting';
import { startApi, TestApi } from '../support/harness';
import { createOrganization, LedgerEntry, loadLedger, markdownText } from '../support/reports';

/**
 * Points (积分) on a ledger of known mix, by the default table: 中央级 头条 30 /
 * other 20, 省级 12 / 8, 市级 5 / 3, 区级 1 / 0.5. Hand-computed below.
 */
const REGION = '积分测试市';
const ALPHA = { slug: 'pts-alpha', name: '积分甲融媒体中心', region: REGION };
const BETA = { slug: 'pts-beta', name: '积分乙融媒体中心', region: REGION };

const e = (channel: string, n: number, prominence: string, authors: string[], day = 10): LedgerEntry => ({
  channel,
  title: `积分甲·${channel}·${prominence}·${authors.join('')}·${n}`,
  publishedOn: `2021-03-${String(day).padStart(2, '0')}`,
  prominence,
  authors,
});

const ALPHA_LEDGER: LedgerEntry[] = [
  e('中央电视台', 1, '头条', ['张三', '李四']), // 30, shared by two authors
  e('中央电视台', 2, '普通', ['张三']), // 20
  e('人民日报', 3, '普通', ['张三']), // 20
  e('湖南日报', 4, '头条', ['李四']), // 12
  e('湖南日报', 5, '普通', ['王五']), // 8
  e('红网', 6, '普通', ['王五']), // 8
  e('红网', 7, '普通', []), // 8, nobody named
  e('邵阳日报', 8, '普通', ['张三', '李四']), // 3, shared
  e('邵阳新闻网', 9, '普通', ['王五']), // 3
  e('大祥新闻网', 10, '普通', ['张三']), // 0.5
  e('大祥新闻网', 11, '普通', ['张三']), // 0.5
  e('大祥新闻网', 12, '普通', ['张三']), // 0.5
  e('大祥新闻网', 13, '普通', ['张三']), // 0.5
  e('大祥新闻网', 14, '头条', ['张三']), // 1
];
// 30 + 20 + 20 + 12 + 8 + 8 + 8 + 3 + 3 + 0.5×4 + 1 = 115, in 14 placements.
// Each author in full: 张三 30+20+20+3+2+1 = 76 (9 placements), 李四 30+12+3 = 45 (3), 王五 8+8+3 = 19 (3).
// Shared equally: 张三 15+20+20+1.5+2+1 = 59.5, 李四 15+12+1.5 = 28.5, 王五 19.

// 乙: thirty district posts (30 × 0.5 = 15 points) outnumber 甲's 14 placements, but score less.
const BETA_LEDGER: LedgerEntry[] = Array.from({ length: 30 }, (_, i) => ({
  channel: '大祥新闻网',
  title: `积分乙·区级·${i}`,
  publishedOn: '2021-03-15',
  authors: ['赵六'],
}));

describe('points (积分) by tier and prominence, credited to organizations, channels and reporters', () => {
  let api: TestApi;
  let alpha: Organization;

  beforeAll(async () => {
    api = await startApi();
    await createOrganization(api, ALPHA);
    await createOrganization(api, BETA);
    await loadLedger(api, ALPHA.slug, ALPHA_LEDGER);
    await loadLedger(api, BETA.slug, BETA_LEDGER);
    alpha = (await api.dataSource.getRepository(Organization).findOneByOrFail({ slug: ALPHA.slug }))!;
  }, 120_000);
  afterAll(() => api?.close());

  it('the default table: a 中央级 headline > an ordinary 中央级 placement > any 省级 … > any 区级', () => {
    const p = defaultPointsTable().points;
    const ladder = [p.central.headline, p.central.normal, p.provincial.headline, p.provincial.normal, p.municipal.headline, p.municipal.normal, p.district.headline, p.district.normal];
    expect([...ladder].sort((a, b) => b - a)).toEqual(ladder);
    expect(new Set(ladder).size).toBe(ladder.length);
  });

  it('the summary with points=true: the hand-computed total, per tier and per month', async () => {
    const q = { from: '2021-01-01', to: '2021-12-31', points: 'true' };
    const byTier = (await api.http().get(`/api/orgs/${ALPHA.slug}/summary`).query({ ...q, groupBy: 'tier' }).expect(200)).body;
    expect(byTier.rows.map((r: { key: string; count: number; points: number }) => [r.key, r.count, r.points])).toEqual([
      ['central', 3, 70],
      ['provincial', 4, 36],
      ['municipal', 2, 6],
      ['district', 5, 3],
    ]);
    expect(byTier).toMatchObject({ total: 14, points: 115 });
    const byMonth = (await api.http().get(`/api/orgs/${ALPHA.slug}/summary`).query({ ...q, groupBy: 'month' }).expect(200)).body;
    expect(byMonth.rows).toEqual([{ key: '2021-03', label: '2021年3月', count: 14, points: 115 }]);
    const byChannel = (await api.http().get(`/api/orgs/${ALPHA.slug}/summary`).query({ ...q, groupBy: 'channel' }).expect(200)).body;
    const channel = (name: string) => byChannel.rows.find((r: { label: string }) => r.label === name);
    expect(channel('中央电视台')).toMatchObject({ count: 2, points: 50 });
    expect(channel('大祥新闻网')).toMatchObject({ count: 5, points: 3 });
    // Without points=true the summary is as before: counts only.
    const plain = (await api.http().get(`/api/orgs/${ALPHA.slug}/summary`).query({ from: '2021-01-01', to: '2021-12-31' }).expect(200)).body;
    expect(plain.rows[0]).toEqual({ key: 'central', label: '中央级', count: 3 });
    expect(plain.points).toBeUndefined();
  });

  it('groupBy=author: each author of a placement gets its full points; total stays the distinct placements', async () => {
    const s = (await api.http().get(`/api/orgs/${ALPHA.slug}/summary`).query({ from: '2021-01-01', to: '2021-12-31', groupBy: 'author', points: 'true' }).expect(200)).body;
    expect(s.rows).toEqual([
      { key: '张三', label: '张三', count: 9, points: 76 },
      { key: '李四', label: '李四', count: 3, points: 45 },
      { key: '王五', label: '王五', count: 3, points: 19 },
      { key: '', label: '（未署名）', count: 1, points: 8 },
    ]);
    expect(s).toMatchObject({ groupBy: 'author', total: 14, points: 115 });
    const twoDims = (await api.http().get(`/api/orgs/${ALPHA.slug}/summary`).query({ from: '2021-01-01', to: '2021-12-31', groupBy: 'author,tier' }).expect(200)).body;
    expect(twoDims.rows.find((r: { key: string }) => r.key === '张三/central')).toMatchObject({ label: '张三 · 中央级', count: 3 });
    expect(twoDims.total).toBe(14);
  });

  it('an equal split among authors, as a points table can say', async () => {
    const points = api.app.get(PointsService);
    const split = points.weights({ ...defaultPointsTable(), authorCredit: 'split' });
    const s = await api.app.get(PlacementQueries).summary(alpha, { from: '2021-01-01', to: '2021-12-31' }, 'author', split);
    expect(s.rows.map((r) => [r.key, r.count, r.points])).toEqual([
      ['张三', 9, 59.5],
      ['李四', 3, 28.5],
      ['王五', 3, 19],
      ['', 1, 8],
    ]);
    expect(s.points).toBe(115);
  });

  it('the reporter ranking: by points, then placements; unsigned placements left out', async () => {
    const r = (await api.http().get(`/api/orgs/${ALPHA.slug}/rankings/authors`).query({ from: '2021-01-01', to: '2021-12-31' }).expect(200)).body;
    expect(r.pointsTable).toEqual({ name: '上稿积分标准（默认）', authorCredit: 'full' });
    expect(r.rows.map((x: { rank: number; author: string; count: number; points: number }) => [x.rank, x.author, x.count, x.points])).toEqual([
      [1, '张三', 9, 76],
      [2, '李四', 3, 45],
      [3, '王五', 3, 19],
    ]);
    expect(r.rows[0].tiers).toEqual({ central: 3, provincial: 0, municipal: 1, district: 5 });
    const bad = await api.http().get(`/api/orgs/${ALPHA.slug}/rankings/authors`).query({ from: '2021-12-31', to: '2021-01-01' }).expect(400);
    expect(bad.body.errors[0].field).toBe('from');
    await api.http().get('/api/orgs/nobody/rankings/authors').expect(404);
  });

  it('the region ranking shows points beside counts and sorts by either', async () => {
    const rank = async (sortBy?: string) =>
      (await api.http().get(`/api/regions/${encodeURIComponent(REGION)}/rankings`).query({ from: '2021-03-01', to: '2021-03-31', ...(sortBy ? { sortBy } : {}) }).expect(200)).body;
    const byCount = await rank();
    expect(byCount.sortBy).toBe('count');
    expect(byCount.rows.map((r: { organization: { slug: string }; total: number; points: number }) => [r.organization.slug, r.total, r.points])).toEqual([
      [BETA.slug, 30, 15],
      [ALPHA.slug, 14, 115],
    ]);
    const byPoints = await rank('points');
    expect(byPoints.rows.map((r: { rank: number; organization: { slug: string } }) => [r.rank, r.organization.slug])).toEqual([
      [1, ALPHA.slug],
      [2, BETA.slug],
    ]);
    expect((await api.http().get(`/api/regions/${encodeURIComponent(REGION)}/rankings`).query({ sortBy: 'size' }).expect(400)).body.errors[0].field).toBe('sortBy');
  });

  it('the monthly bulletin ranks the region with 积分 beside the counts', async () => {
    const d = (await api.http().get(`/api/orgs/${ALPHA.slug}/reports/monthly`).query({ month: '2021-03', format: 'json' }).expect(200)).body.data;
    expect(d.ranking.rows.map((r: { organization: { slug: string }; points: number }) => [r.organization.slug, r.points])).toEqual([
      [BETA.slug, 15],
      [ALPHA.slug, 115],
    ]);
    const md = (await api.http().get(`/api/orgs/${ALPHA.slug}/reports/monthly`).query({ month: '2021-03' }).expect(200)).text;
    expect(md).toMatch(/\| 排名 \| 单位 \| 中央级 \| 省级 \| 市级 \| 区级 \| 合计 \| 积分 \|/);
    expect(md).toMatch(/\| 2 \| 积分甲融媒体中心 \| 3 \| 4 \| 2 \| 5 \| 14 \| 115 \|/);
    // The month's figures by tier are one table: the chart of the same figures is not repeated as another.
    expect(md).not.toContain('各层级上稿数（篇）');
  });

  it('the bulletin lists the busiest outlets by channel tier: 红网 under 省级, 红网大祥站 under 区级, never mixed', async () => {
    const gamma = { slug: 'pts-gamma', name: '丙融媒体中心', region: '另一个市' };
    await createOrganization(api, gamma);
    await loadLedger(api, gamma.slug, [
      { channel: '红网', title: '丙·红网', publishedOn: '2021-06-02' },
      { channel: '红网大祥站', title: '丙·红网大祥站·一', publishedOn: '2021-06-03' },
      { channel: '红网大祥站', title: '丙·红网大祥站·二', publishedOn: '2021-06-04' },
    ]);
    const d = (await api.http().get(`/api/orgs/${gamma.slug}/reports/monthly`).query({ month: '2021-06', format: 'json' }).expect(200)).body.data;
    expect(d.topOutlets.provincial).toEqual([{ name: '红网', count: 1 }]);
    expect(d.topOutlets.district).toEqual([{ name: '红网大祥站', count: 2 }]);
  });

  it('the monthly bulletin is an official document: 发文字号, 主送, 表扬, 存在问题, 下步要求, 落款 and the annex of key articles', async () => {
    const d = (await api.http().get(`/api/orgs/${ALPHA.slug}/reports/monthly`).query({ month: '2021-03', format: 'json' }).expect(200)).body.data;
    expect(d.docNumber).toBe('积分甲融媒体中心通〔2021〕3号');
    expect(d.praisedReporters).toEqual([
      { author: '张三', count: 9, points: 76 },
      { author: '李四', count: 3, points: 45 },
      { author: '王五', count: 3, points: 19 },
    ]);
    // 中央级 and 省级 placements: 3 + 4.
    expect(d.keyArticles).toHaveLength(7);
    expect(d.keyArticles[0]).toMatchObject({ title: '积分甲·中央电视台·头条·张三李四·1', channel: '中央电视台', authors: '张三、李四', publishedOn: '2021-03-10' });
    const md = markdownText((await api.http().get(`/api/orgs/${ALPHA.slug}/reports/monthly`).query({ month: '2021-03' }).expect(200)).text);
    expect(md.startsWith('积分甲融媒体中心通〔2021〕3号\n\n# 积分甲融媒体中心2021年3月上稿情况通报')).toBe(true);
    expect(md).toContain('中心各部室、各通讯员：');
    expect(md).toContain('对本月上稿成绩突出的张三（上稿9篇，积分76分）、李四（上稿3篇，积分45分）、王五（上稿3篇，积分19分）予以通报表扬。');
    expect(md).toContain('2021年度未设定上稿目标，无法对照时序进度。');
    expect(md).toContain('## 七、下步要求');
    expect(md).toContain('积分甲融媒体中心  \n2021年3月31日');
    expect(md).toContain('## 附件：2021年3月重点稿件目录');
    expect(md).toContain('| 1 | 积分甲·中央电视台·头条·张三李四·1 | 中央电视台 | 张三、李四 | 2021-03-10 |');

    // Behind the target pace: by 2021-03-31 (90 of 365 days) a target of 100 central placements asks for 25.
    await api.http().put(`/api/orgs/${ALPHA.slug}/profile/2021`).send({ targets: { central: 100, provincial: 10 } }).expect(201);
    const behind = markdownText((await api.http().get(`/api/orgs/${ALPHA.slug}/reports/monthly`).query({ month: '2021-03' }).expect(200)).text);
    expect(behind).toContain('按时序进度，中央级媒体累计上稿3篇，应达25篇（年度目标100篇），完成3.00%，进度滞后。');
  });
});
