import { docxParagraphs } from '../support/docx-text';
import { startApi, TestApi } from '../support/harness';
import { asBuffer, createOrganization, LedgerEntry, loadLedger, markdownText, xlsxSheets } from '../support/reports';

const REGION = '测试市';
const ALPHA = { slug: 'alpha', name: '甲区融媒体中心', region: REGION };
const BETA = { slug: 'beta', name: '乙区融媒体中心', region: REGION };

/** `n` placements on one channel in one month, on days 1..n. */
function many(channel: string, month: string, n: number, tag: string, extra: Partial<LedgerEntry> = {}): LedgerEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    channel,
    title: `${tag}·${channel}·${month}·第${i + 1}篇`,
    publishedOn: `${month}-${String(i + 1).padStart(2, '0')}`,
    ...extra,
  }));
}

/**
 * 甲 (alpha), the organization the bulletin is about, May 2021:
 *   this month     central 3, provincial 3, municipal 2, district 2 = 10 (+1 rejected, not counted)
 *   April 2021     1, 1, 1, 2 = 5
 *   May 2020       0, 0, 4, 4 = 8
 *   2021 to May    4, 6, 3, 23 = 36 (Jan: 2 provincial; Mar: 19 district)
 *   targets 2021   10, 20, 40, 160 = 230 → 40.00%, 30.00%, 7.50%, 14.38% (23/160 = 14.375), 15.65%
 *   June 2021      district 3
 */
const ALPHA_LEDGER: LedgerEntry[] = [
  ...many('邵阳日报', '2020-05', 4, '甲'),
  ...many('红网大祥站', '2020-05', 4, '甲'),
  { channel: '中央电视台', title: '甲·去年年末', publishedOn: '2020-12-31' },
  ...many('红网', '2021-01', 2, '甲'),
  ...many('大祥融媒客户端', '2021-03', 19, '甲'),
  { channel: '新华网', title: '甲·四月·央媒', publishedOn: '2021-04-08' },
  { channel: '新湖南', title: '甲·四月·省媒', publishedOn: '2021-04-09' },
  { channel: '邵阳晚报', title: '甲·四月·市媒', publishedOn: '2021-04-10' },
  ...many('大祥新闻网', '2021-04', 2, '甲'),
  // May 2021
  { channel: '中央电视台', title: '甲·五月·央视', publishedOn: '2021-05-01', status: 'confirmed' },
  { channel: '人民日报', title: '甲·五月·人民日报', publishedOn: '2021-05-06' },
  { channel: '人民日报公众号', title: '甲·五月·人民日报公众号', publishedOn: '2021-05-07' },
  { channel: '湖南日报', title: '甲·五月·要闻通讯', publishedOn: '2021-05-10', section: '要闻', genre: '通讯' },
  { channel: '湖南日报', title: '甲·五月·要闻消息', publishedOn: '2021-05-11', section: '要闻', genre: '消息' },
  { channel: '学习强国', title: '甲·五月·学习强国', publishedOn: '2021-05-12' },
  { channel: '邵阳日报', title: '甲·五月·头版头条', publishedOn: '2021-05-13', section: '头版', prominence: '头版头条' },
  { channel: '邵阳日报', title: '甲·五月·头版', publishedOn: '2021-05-14', section: '头版' },
  { channel: '大祥发布微信公众号', title: '甲·五月·公众号', publishedOn: '2021-05-15' },
  { channel: '红网大祥站', title: '甲·五月·月末', publishedOn: '2021-05-31' },
  { channel: '新华网', title: '甲·五月·误报', publishedOn: '2021-05-20', status: 'rejected' },
  ...many('红网大祥站', '2021-06', 3, '甲'),
];

/**
 * 乙 (beta): April 2021 exactly as 甲 (1, 1, 1, 2: they share rank 1);
 * May 2021 0, 2, 2, 2 = 6 (rank 2); nothing in May 2020; June 2021 1
 * central + 2 district = 3 (the same total as 甲, ranked first on central).
 */
const BETA_LEDGER: LedgerEntry[] = [
  { channel: '人民网', title: '乙·四月·央媒', publishedOn: '2021-04-02' },
  { channel: '湖南经视', title: '乙·四月·省媒', publishedOn: '2021-04-03' },
  { channel: '云邵阳', title: '乙·四月·市媒', publishedOn: '2021-04-04' },
  ...many('大祥融媒·头条号', '2021-04', 2, '乙'),
  ...many('红网', '2021-05', 2, '乙'),
  ...many('邵阳新闻网', '2021-05', 2, '乙', { section: '首页', prominence: '头条' }),
  ...many('大祥新闻网', '2021-05', 2, '乙'),
  { channel: '光明网', title: '乙·六月·央媒', publishedOn: '2021-06-15' },
  ...many('大祥新闻网', '2021-06', 2, '乙'),
];

const tiers = (central: number, provincial: number, municipal: number, district: number) => ({
  central,
  provincial,
  municipal,
  district,
  total: central + provincial + municipal + district,
});

describe('the monthly bulletin (上稿情况通报) of two organizations of one region', () => {
  let api: TestApi;
  const bulletin = (slug: string, month: string, format = 'md') =>
    api.http().get(`/api/orgs/${slug}/reports/monthly`).query({ month, format });

  beforeAll(async () => {
    api = await startApi();
    await createOrganization(api, ALPHA);
    await createOrganization(api, BETA);
    await loadLedger(api, ALPHA.slug, ALPHA_LEDGER);
    await loadLedger(api, BETA.slug, BETA_LEDGER);
    await api
      .http()
      .put(`/api/orgs/${ALPHA.slug}/profile/2021`)
      .send({ targets: { central: 10, provincial: 20, municipal: 40, district: 160 } })
      .expect(201);
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('甲, May 2021', () => {
    let md: string;
    beforeAll(async () => {
      md = markdownText((await bulletin(ALPHA.slug, '2021-05').expect(200)).text);
    });

    it('JSON: this month, previous month, same month last year and year to date by tier, and the targets', async () => {
      const d = (await bulletin(ALPHA.slug, '2021-05', 'json').expect(200)).body.data;
      expect(d.organization).toEqual({ slug: 'alpha', name: ALPHA.name, region: REGION });
      expect(d.period).toEqual({ from: '2021-05-01', to: '2021-05-31' });
      expect(d.future).toBe(false);
      expect(d.thisMonth).toEqual(tiers(3, 3, 2, 2));
      expect(d.previousMonth).toEqual(tiers(1, 1, 1, 2));
      expect(d.sameMonthLastYear).toEqual(tiers(0, 0, 4, 4));
      expect(d.yearToDate).toEqual(tiers(4, 6, 3, 23));
      expect(d.targets).toEqual({ central: 10, provincial: 20, municipal: 40, district: 160 });
      expect(d.topOutlets.central).toEqual([
        { name: '人民日报', count: 2 },
        { name: '中央电视台', count: 1 },
      ]);
    });

    it('states the month with its change against the previous month and the same month last year', () => {
      expect(md).toContain('# 甲区融媒体中心2021年5月上稿情况通报');
      expect(md).toContain('统计期间：2021年5月1日至2021年5月31日');
      expect(md).toContain(
        '2021年5月，甲区融媒体中心共上稿10篇，其中中央级3篇、省级3篇、市级2篇、区级2篇。' +
          '与上月相比增加5篇（增长100.00%），与去年同月相比增加2篇（增长25.00%）。2021年累计上稿36篇。',
      );
    });

    it('tabulates each tier against last month, last year and the yearly target, with the completion rate', () => {
      expect(md).toContain('| 层级 | 本月 | 上月 | 环比 | 去年同月 | 同比 | 本年累计 | 年度目标 | 完成率 |');
      expect(md).toContain('| 中央级 | 3 | 1 | +2 | 0 | +3 | 4 | 10 | 40.00% |');
      expect(md).toContain('| 省级 | 3 | 1 | +2 | 0 | +3 | 6 | 20 | 30.00% |');
      expect(md).toContain('| 市级 | 2 | 1 | +1 | 4 | -2 | 3 | 40 | 7.50% |');
      // 23 / 160 = 14.375 %: rounded half up, as the reports round money.
      expect(md).toContain('| 区级 | 2 | 2 | 0 | 4 | -2 | 23 | 160 | 14.38% |');
      expect(md).toContain('| 合计 | 10 | 5 | +5 | 8 | +2 | 36 | 230 | 15.65% |');
    });

    it('lists the highlight lines of the month (the rejected placement is not among them)', () => {
      const list = md.slice(md.indexOf('二、重点媒体上稿'), md.indexOf('三、各层级上稿较多的媒体'));
      const items = list
        .split('\n')
        .filter((l) => /^\d+\. /.test(l))
        .map((l) => l.replace(/^\d+\. /, ''));
      expect(items).toEqual([
        '中央电视台上稿1篇',
        '人民日报及公众号上稿2篇',
        '湖南日报要闻上稿2篇（其中通讯稿1篇）',
        '学习强国上稿1篇',
        '邵阳日报头版头条上稿1篇',
      ]);
      expect(md).not.toContain('新华网上稿');
    });

    it('ranks the region: 甲 first with 10, 乙 second with 6', () => {
      expect(md).toContain(`## 四、${REGION}各融媒体中心上稿排名`);
      expect(md).toContain('| 排名 | 单位 | 中央级 | 省级 | 市级 | 区级 | 合计 |');
      expect(md).toContain('| 1 | 甲区融媒体中心 | 3 | 3 | 2 | 2 | 10 |');
      expect(md).toContain('| 2 | 乙区融媒体中心 | 0 | 2 | 2 | 2 | 6 |');
      expect(md.indexOf('| 1 | 甲区融媒体中心')).toBeLessThan(md.indexOf('| 2 | 乙区融媒体中心'));
    });

    it('Word: the file opens and states the same sentence, rates and ranking', async () => {
      const res = await asBuffer(bulletin(ALPHA.slug, '2021-05', 'docx')).expect(200);
      const paragraphs = await docxParagraphs(res.body as Buffer);
      const all = paragraphs.join('\n');
      // 发文字号 above the title.
      expect(paragraphs.slice(0, 2)).toEqual(['甲区融媒体中心通〔2021〕5号', '甲区融媒体中心2021年5月上稿情况通报']);
      expect(all).toContain('与上月相比增加5篇（增长100.00%），与去年同月相比增加2篇（增长25.00%）。2021年累计上稿36篇。');
      for (const rate of ['40.00%', '30.00%', '7.50%', '14.38%', '15.65%']) expect(paragraphs).toContain(rate);
      expect(paragraphs).toContain('（3）湖南日报要闻上稿2篇（其中通讯稿1篇）');
      expect(all).not.toContain('新华网上稿');
      expect(paragraphs).toContain('乙区融媒体中心');
    });

    it('Excel: the sheets carry the same numbers', async () => {
      const res = await asBuffer(bulletin(ALPHA.slug, '2021-05', 'xlsx')).expect(200);
      const sheets = await xlsxSheets(res.body as Buffer);
      expect(sheets['本月统计']).toEqual([
        ['层级', '本月', '上月', '去年同月', '本年累计', '年度目标'],
        ['中央级', 3, 1, 0, 4, 10],
        ['省级', 3, 1, 0, 6, 20],
        ['市级', 2, 1, 4, 3, 40],
        ['区级', 2, 2, 4, 23, 160],
      ]);
      const highlights = Object.fromEntries(sheets['重点上稿'].slice(1).map((r) => [r[0], r[1]]));
      expect(highlights).toEqual({
        中央电视台: 1,
        央广网: 0,
        人民日报及公众号: 2,
        新华网: 0,
        湖南日报市州头条: 0,
        湖南日报要闻: 2,
        湖南卫视联播新闻: 0,
        学习强国: 1,
        邵阳日报头版头条: 1,
        县区版头条: 0,
        邵阳新闻网首页头条: 0,
      });
      // 积分 by the default table: 甲 3×20 + 3×8 + 5 (头版头条) + 3 + 2×0.5 = 93; 乙 2×8 + 2×5 (首页头条) + 2×0.5 = 27.
      expect(sheets['区域排名']).toEqual([
        ['排名', '单位', '中央级', '省级', '市级', '区级', '合计', '积分'],
        [1, '甲区融媒体中心', 3, 3, 2, 2, 10, 93],
        [2, '乙区融媒体中心', 0, 2, 2, 2, 6, 27],
      ]);
    });
  });

  it('甲, June 2021: a fall against May, a rise against an empty June 2020', async () => {
    const md = markdownText((await bulletin(ALPHA.slug, '2021-06').expect(200)).text);
    expect(md).toContain(
      '2021年6月，甲区融媒体中心共上稿3篇，其中中央级0篇、省级0篇、市级0篇、区级3篇。' +
        '与上月相比减少7篇（下降70.00%），与去年同月相比增加3篇。2021年累计上稿39篇。',
    );
    expect(md).toContain('本月暂无重点媒体上稿。');
    const d = (await bulletin(ALPHA.slug, '2021-06', 'json').expect(200)).body.data;
    expect(d.thisMonth).toEqual(tiers(0, 0, 0, 3));
    expect(d.previousMonth).toEqual(tiers(3, 3, 2, 2));
    expect(d.sameMonthLastYear).toEqual(tiers(0, 0, 0, 0));
    expect(d.yearToDate).toEqual(tiers(4, 6, 3, 26));
  });

  it('乙, May 2021: no targets, so no completion columns; its own change sentence and highlight line', async () => {
    const md = markdownText((await bulletin(BETA.slug, '2021-05').expect(200)).text);
    expect(md).toContain(
      '2021年5月，乙区融媒体中心共上稿6篇，其中中央级0篇、省级2篇、市级2篇、区级2篇。' +
        '与上月相比增加1篇（增长20.00%），与去年同月相比增加6篇。2021年累计上稿11篇。',
    );
    expect(md).toContain('| 层级 | 本月 | 上月 | 环比 | 去年同月 | 同比 | 本年累计 |\n');
    expect(md).not.toContain('完成率');
    expect(md).toContain('1. 邵阳新闻网首页头条上稿2篇');
    // The same ranking as in 甲's bulletin.
    expect(md).toContain('| 1 | 甲区融媒体中心 | 3 | 3 | 2 | 2 | 10 |');
    expect(md).toContain('| 2 | 乙区融媒体中心 | 0 | 2 | 2 | 2 | 6 |');
    const d = (await bulletin(BETA.slug, '2021-05', 'json').expect(200)).body.data;
    expect(d.targets).toEqual({});
    expect(d.yearToDate).toEqual(tiers(1, 3, 3, 4));
  });

  it('April 2021: equal records share a rank, in the bulletin and from the rankings API', async () => {
    const md = markdownText((await bulletin(BETA.slug, '2021-04').expect(200)).text);
    expect(md).toContain('| 1 | 甲区融媒体中心 | 1 | 1 | 1 | 2 | 5 |');
    expect(md).toContain('| 1 | 乙区融媒体中心 | 1 | 1 | 1 | 2 | 5 |');
    const res = await api.http().get(encodeURI(`/api/regions/${REGION}/rankings`)).query({ from: '2021-04-01', to: '2021-04-30' }).expect(200);
    expect(res.body.rows.map((r: { rank: number; organization: { slug: string }; total: number }) => [r.rank, r.organization.slug, r.total])).toEqual([
      [1, 'alpha', 5],
      [1, 'beta', 5],
    ]);
    const sheets = await xlsxSheets((await asBuffer(bulletin(ALPHA.slug, '2021-04', 'xlsx')).expect(200)).body as Buffer);
    expect(sheets['区域排名'].slice(1).map((r) => r[0])).toEqual([1, 1]);
  });

  it('the rankings API: totals and ranks over any period; an equal total is ranked by the higher tiers', async () => {
    const rank = async (from: string, to: string) =>
      (await api.http().get(encodeURI(`/api/regions/${REGION}/rankings`)).query({ from, to }).expect(200)).body.rows.map(
        (r: { rank: number; organization: { slug: string }; tiers: object; total: number }) => [r.rank, r.organization.slug, r.total],
      );
    // June: 3 each, 乙 has a central placement.
    expect(await rank('2021-06-01', '2021-06-30')).toEqual([
      [1, 'beta', 3],
      [2, 'alpha', 3],
    ]);
    expect(await rank('2021-01-01', '2021-12-31')).toEqual([
      [1, 'alpha', 39],
      [2, 'beta', 14],
    ]);
    expect(await rank('2020-01-01', '2020-12-31')).toEqual([
      [1, 'alpha', 9],
      [2, 'beta', 0],
    ]);
    // daxiang lies in another region.
    const other = await api.http().get(encodeURI('/api/regions/邵阳市/rankings')).query({ from: '2021-01-01', to: '2021-12-31' }).expect(200);
    expect(other.body.rows.map((r: { organization: { slug: string } }) => r.organization.slug)).toEqual(['daxiang']);
  });
});
